// Identifiers the controller hands out (sessions, access requests): random and URL-safe, and
// never starting with '-' or '_', so that they pass as plain arguments on any command line
// (`wicketctl session revoke ID` would read "-x…" as an option).
import { randomBytes } from 'node:crypto';

export function newId(bytes = 12): string {
  for (;;) {
    const id = randomBytes(bytes).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}
