// Database URLs reach logs and errors only through redactUrl: no password survives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl } from './postgres.js';

test('redactUrl hides the password in the user part and in password parameters', () => {
  const cases: [string, string][] = [
    ['postgres://wicket:s3cret@db.example:5432/wicket', 'postgres://wicket:***@db.example:5432/wicket'],
    ['postgres://wicket@db.example/wicket?password=s3cret', 'postgres://wicket@db.example/wicket?password=***'],
    ['postgresql://w@db/w?sslmode=require&sslpassword=k3y', 'postgresql://w@db/w?sslmode=require&sslpassword=***'],
    ['postgres://wicket@db.example/wicket', 'postgres://wicket@db.example/wicket'],
  ];
  for (const [url, shown] of cases) {
    assert.equal(redactUrl(url), shown);
    assert.equal(redactUrl(url).includes('s3cret') || redactUrl(url).includes('k3y'), false);
  }
  assert.equal(redactUrl('not a url s3cret'), '(unparseable database URL)');
});
