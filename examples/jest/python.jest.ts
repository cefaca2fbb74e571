// The weather conversations against the Python agent, under Jest.
import { weatherSuite } from './weather-suite.js';

weatherSuite('../python/weather_agent.py', 'python');
