// The files of an admin credential directory (DIR/admin/, ~/.config/wicket/admin). Apart
// from datadir.ts so that wicketctl can find them without loading the store and the CA.
import { join } from 'node:path';

/** Credentials a wicketctl-style client keeps in a directory. */
export const credentialFiles = (dir: string) => ({ ca: join(dir, 'ca.crt'), cert: join(dir, 'client.crt'), key: join(dir, 'client.key'), endpoint: join(dir, 'endpoint') });
