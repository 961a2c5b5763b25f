// Rewrites controller/store/schema.ts from the migrations (controller/store/schema-types.ts).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openSqlite } from '../controller/store/sqlite.js';
import { migrate } from '../controller/store/migrate.js';
import { renderSchemaTypes } from '../controller/store/schema-types.js';

const target = fileURLToPath(new URL('../../controller/store/schema.ts', import.meta.url));
const db = openSqlite(':memory:');
migrate(db);
writeFileSync(target, renderSchemaTypes(db));
db.close();
console.log(`wrote ${target}`);
