// The console's static files, bundled by scripts/build-console.mjs into ./assets beside the
// compiled module. They are read once at start (a console without them fails to start with
// the reason) and served from memory.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const FILES: Record<string, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'uPlot.min.css': 'text/css; charset=utf-8',
};

export function loadAssets(dir = new URL('./assets/', import.meta.url)): Map<string, { type: string; body: Buffer }> {
  const out = new Map<string, { type: string; body: Buffer }>();
  for (const [name, type] of Object.entries(FILES)) {
    try {
      out.set(name, { type, body: readFileSync(new URL(name, dir)) });
    } catch (err) {
      throw new Error(`console asset ${name} is missing (${(err as Error).message}); build them with npm run build`, { cause: err });
    }
  }
  return out;
}

export function assetRoutes(app: FastifyInstance, assets: Map<string, { type: string; body: Buffer }>): void {
  app.get<{ Params: { name: string } }>('/assets/:name', (req, reply) => {
    const a = assets.get(req.params.name);
    if (!a) return reply.code(404).type('text/plain').send('not found\n');
    return reply.type(a.type).header('cache-control', 'no-cache').send(a.body);
  });
}
