import type { AIRequest } from '../interfaces/ai-request.interface';
import { CacheKeyBuilder } from './cache-key.builder';

/** What the key specs share: a builder without and one with readable keys, and the key layout's parts. */
export const tiers = { small: 500, medium: 5000, large: 50000 };
export const hashedKeys = new CacheKeyBuilder({ textHashThreshold: 1000, textSizeTiers: tiers, readableKeys: false });
export const readableKeys = new CacheKeyBuilder({ textHashThreshold: 1000, textSizeTiers: tiers, readableKeys: true });
export const keyOf = (request: AIRequest, scope?: string) => hashedKeys.build(request, scope).key;

export const DIGEST = '[A-Za-z0-9_-]{43}';
export const SCOPE = 's\\.[A-Za-z0-9_-]{16}';
