// The bike-shop conversations against the Node agent (@livekit/agents), with the scripted model.
import { bikeShopSuite } from '../bike-shop-suite.js';

bikeShopSuite('./bike_shop_agent.ts', 'js');
