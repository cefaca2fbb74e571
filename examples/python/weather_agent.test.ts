// The weather conversations against the Python agent (livekit-agents), with the scripted model.
import { weatherSuite } from '../weather-suite.js';

weatherSuite('./weather_agent.py', 'python');
