// The weather conversations against the Node agent (@livekit/agents), with the scripted model.
import { weatherSuite } from '../weather-suite.js';

weatherSuite('./weather_agent.ts', 'js');
