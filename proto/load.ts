// Package proto loads Wicket's wire contract (proto/wicket.proto) at run time and exposes
// it with the types generated from the same file, so no message shape is written twice.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType } from './generated/wicket.js';

export type * from './generated/wicket.js';

/** Where the .proto lives, relative to this module once compiled to dist/proto/. */
export const PROTO_PATH = fileURLToPath(new URL('../../proto/wicket.proto', import.meta.url));

/**
 * Loader options: these must match the generator flags in scripts/proto-gen.mjs
 * (camelCase fields, 64-bit integers as numbers, enums as strings, defaults filled in).
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
};

let cached: ProtoGrpcType['wicket']['v1'] | undefined;

/** The wicket.v1 package: service constructors and message definitions. */
export function wicketV1(): ProtoGrpcType['wicket']['v1'] {
  if (!cached) {
    const definition = protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS);
    const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
    cached = loaded.wicket.v1;
  }
  return cached;
}
