// The weather conversations against the Node agent, under Jest.
import { weatherSuite } from './weather-suite.js';

weatherSuite('../node/weather_agent.ts', 'js');
