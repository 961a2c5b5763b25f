// The console's pages, each a plugin that owns its routes (see ../page-context.ts).
import type { ConsolePage } from '../page-context.js';
import { flowsPage } from './flows.js';
import { overviewPage } from './overview.js';
import { policyPage } from './policy.js';

export const PAGES: ConsolePage[] = [overviewPage, policyPage, flowsPage];
