// The weather conversations against the Python agent, replayed from __cassettes__/weather_cassette.test.jsonl.
import { cassetteSuite } from '../cassette-suite.js';

cassetteSuite('./weather_agent.py', 'python');
