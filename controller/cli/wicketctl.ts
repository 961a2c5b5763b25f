// wicketctl: the admin command line. Each command group lives in commands/ and registers
// itself on the program; global options name the controller and the credentials.
import { Command } from 'commander';
import { runProgram } from '../../common/cli.js';
import type { RegisterCommands } from './admin-client.js';
import { registerUserCommands } from './commands/user.js';
import { registerGatewayCommands } from './commands/gateway.js';
import { registerControllerCommands } from './commands/controller.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerLoginCommands } from './commands/login.js';
import { registerSessionCommands, registerUserRevoke } from './commands/session.js';
import { registerDeviceCommands } from './commands/device.js';
import { registerFlowCommands } from './commands/flows.js';
import { registerAccessCommands } from './commands/access.js';
import { registerAdminCredentialCommands } from './commands/admin.js';

/** Command groups, in help order. Session, device and flow commands are added here too. */
const COMMAND_GROUPS: RegisterCommands[] = [
  registerUserCommands,
  registerUserRevoke,
  registerGatewayCommands,
  registerControllerCommands,
  registerPolicyCommands,
  registerAuditCommands,
  registerSessionCommands,
  registerDeviceCommands,
  registerFlowCommands,
  registerAccessCommands,
  registerAdminCredentialCommands,
  registerLoginCommands,
];

const program = new Command('wicketctl')
  .description('administer a Wicket controller')
  .option('--controller <host:port,...>', "the controller's API port (env WICKET_CONTROLLER); with several controllers a comma-separated list, the first reachable is used")
  .option('--credentials <dir>', 'admin credentials directory: ca.crt, client.crt, client.key (env WICKET_ADMIN_CREDENTIALS)')
  // Global options go before the command, so `login --controller` can name the auth port.
  .enablePositionalOptions();

for (const register of COMMAND_GROUPS) register(program);

await runProgram(program);
