// The standard bring-up of the namespace suites: one system with the sample policy, so that
// suites differ only in the controller flags they run with and what they do afterwards.
import { samplePolicy, type WicketSystem } from '../../scripts/topology/system.js';

/**
 * Brings `sys` (already created, so the caller's `after` cleans up whatever a failed step
 * leaves) to the state the sample suites start from: resources, a controller started with
 * `controllerFlags`, users alice and bob, the sample policy, an enrolled and running gateway.
 */
export async function startSampleSystem(sys: WicketSystem, controllerFlags: string[]): Promise<void> {
  await sys.startResources();
  await sys.initController();
  await sys.startController(controllerFlags);
  await sys.addUser('alice');
  await sys.addUser('bob');
  await sys.applyPolicy(samplePolicy());
  await sys.enrollGateway();
  await sys.startGateway();
}
