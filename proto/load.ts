// Package proto loads Wicket's wire contract at run time and exposes it with the types
// generated from the same file (proto/wicket.proto), so no message shape is written twice.
// It loads the descriptor that `npm run proto:gen` wrote as JSON next to those types rather
// than parsing the .proto text: every command that talks to the controller starts with this.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType } from './generated/wicket.js';

export type * from './generated/wicket.js';

/** Where the .proto lives, relative to this module once compiled to dist/proto/. */
export const PROTO_PATH = fileURLToPath(new URL('../../proto/wicket.proto', import.meta.url));

/** The descriptor generated from PROTO_PATH (protobufjs JSON; scripts/proto-gen.mjs keeps it current). */
export const DESCRIPTOR_PATH = fileURLToPath(new URL('../../proto/generated/wicket.json', import.meta.url));

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

type ProtoJson = Parameters<typeof protoLoader.fromJSON>[0];

let cached: ProtoGrpcType['wicket']['v1'] | undefined;

/** The wicket.v1 package: service constructors and message definitions. */
export function wicketV1(): ProtoGrpcType['wicket']['v1'] {
  if (!cached) {
    const definition = protoLoader.fromJSON(JSON.parse(readFileSync(DESCRIPTOR_PATH, 'utf8')) as ProtoJson, LOADER_OPTIONS);
    const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
    cached = loaded.wicket.v1;
  }
  return cached;
}
