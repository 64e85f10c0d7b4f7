import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { isAppError } from '../../src/errors.ts';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.dataDir, path.resolve('./data'));
    assert.equal(c.databaseUrl, `sqlite:${path.resolve('./data/paperboy.db')}`);
    assert.equal(c.engine, 'sqlite');
    assert.equal(c.baseUrl, 'http://localhost:3000');
    assert.ok(Object.isFrozen(c));
  });

  it('reads PostgreSQL URLs and a base URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:secret@db:5432/p', BASE_URL: 'https://papers.example.org/', PORT: '8080' });
    assert.equal(c.engine, 'postgres');
    assert.equal(c.baseUrl, 'https://papers.example.org');
    assert.equal(c.port, 8080);
  });

  for (const [name, value] of [['PORT', 'abc'], ['PORT', '70000'], ['DATABASE_URL', 'mysql://x'], ['BASE_URL', 'not a url'], ['LOG_LEVEL', 'loud'], ['DEMO_DATA', 'maybe']] as const) {
    it(`stops on a bad ${name} with one line naming it`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (e) => isAppError(e, 'CONFIG_INVALID') && e.message.startsWith(`${name} is invalid`) && !e.message.includes('\n'),
      );
    });
  }

  it('never echoes a database URL, which may hold a password', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@x' }), (e) => !(e as Error).message.includes('hunter2'));
  });
});
