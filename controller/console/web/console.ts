// The console's only script (bundled by scripts/build-console.mjs; the pages work without
// it but for charts and live updates). Each behaviour attaches to markup the server
// rendered, found by data attributes, so no page carries inline script.
import { attachConfirmations } from './confirm.js';
import { drawCharts } from './charts.js';
import { followAcks } from './live-acks.js';

document.addEventListener('DOMContentLoaded', () => {
  attachConfirmations(document);
  drawCharts(document);
  followAcks(document);
});
