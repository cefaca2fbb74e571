// The weather conversations against the Node agent, replayed from __cassettes__/weather_cassette.test.jsonl.
import { cassetteSuite } from '../cassette-suite.js';

cassetteSuite('./weather_agent.ts', 'js');
