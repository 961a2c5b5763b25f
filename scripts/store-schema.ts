// Rewrites controller/store/schema.ts from the migrations (controller/store/schema-types.ts),
// read from a SQLite database in memory that the migration runner brought up to date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../controller/store/database.js';
import { renderSchemaTypes } from '../controller/store/schema-types.js';

const target = fileURLToPath(new URL('../../controller/store/schema.ts', import.meta.url));
const database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
writeFileSync(target, renderSchemaTypes(database.sqlite!));
await database.close();
console.log(`wrote ${target}`);
