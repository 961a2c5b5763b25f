// The topology library's entry point: namespaces, traffic helpers, a data plane in a namespace.
export * from './topology.js';
export * from './traffic.js';
export { RemoteDataPlane } from './remote-dataplane.js';
