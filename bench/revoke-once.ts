// Run inside the controller's namespace by bench/sessions.ts: revokes one session through
// Admin.RevokeSession and prints the wall-clock time the call was sent (after a warm-up
// call, so the TLS handshake is not counted) and the time it returned.
import { readFileSync } from 'node:fs';
import { apiClients, call } from '../common/grpc.js';
import { credentialFiles } from '../controller/app/datadir.js';

const [controller, credentialsDir, sessionId] = process.argv.slice(2);
const files = credentialFiles(credentialsDir!);
const read = (f: string) => readFileSync(f, 'utf8');
const { admin, close } = apiClients(controller!, { caPem: read(files.ca), certPem: read(files.cert), keyPem: read(files.key) });
await call(admin, 'ListGateways', {});
const sentAt = Date.now();
await call(admin, 'RevokeSession', { id: sessionId!, reason: 'benchmark' });
const returnedAt = Date.now();
close();
process.stdout.write(`${JSON.stringify({ sentAt, returnedAt })}\n`);
