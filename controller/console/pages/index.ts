// The console's pages, each a plugin that owns its routes (see ../page-context.ts).
import type { ConsolePage } from '../page-context.js';
import { accessPage } from './access.js';
import { auditPage } from './audit.js';
import { flowsPage } from './flows.js';
import { overviewPage } from './overview.js';
import { policyPage } from './policy.js';
import { sessionsPage } from './sessions.js';
import { usersPage } from './users.js';

export const PAGES: ConsolePage[] = [
  overviewPage,
  sessionsPage,
  usersPage,
  policyPage,
  flowsPage,
  accessPage,
  auditPage,
];
