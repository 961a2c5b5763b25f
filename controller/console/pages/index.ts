// The console's pages, each a plugin that owns its routes (see ../page-context.ts).
import type { ConsolePage } from '../page-context.js';
import { overviewPage } from './overview.js';
import { sessionsPage } from './sessions.js';

export const PAGES: ConsolePage[] = [overviewPage, sessionsPage];
