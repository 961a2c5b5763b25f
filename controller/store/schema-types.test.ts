// schema.ts must be what the migrations produce: a migration without `npm run store:schema`
// would leave every query typed against columns that no longer exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDatabase } from './database.js';
import { renderSchemaTypes } from './schema-types.js';

test('schema.ts is generated from the current migrations', async () => {
  const database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
  try {
    const checkedIn = readFileSync(fileURLToPath(new URL('../../../controller/store/schema.ts', import.meta.url)), 'utf8');
    assert.equal(checkedIn, renderSchemaTypes(database.sqlite!), 'controller/store/schema.ts is stale: run npm run store:schema');
  } finally {
    await database.close();
  }
});
