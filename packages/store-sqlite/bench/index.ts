// `pnpm bench --only store-sqlite.1` (integrity checks) or `store-sqlite.2` (search cache vs MemoryStore).
import { integrity } from './integrity.js';
import { searchCache } from './search-cache.js';

export default [integrity, searchCache];
