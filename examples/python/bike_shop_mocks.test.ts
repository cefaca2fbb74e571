// The bike-shop agent (livekit-agents) with its side-effecting tool mocked from this test.
import { bikeShopMocksSuite } from '../bike-shop-mocks-suite.js';

bikeShopMocksSuite('./bike_shop_agent.py', 'python');
