// Admin handlers for devices: list them, and block one (its sessions end at once and its
// certificate stops working at the next call; controller/revocation/ does it).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { ControllerContext } from '../api/context.js';
import { unary } from '../api/errors.js';
import { validate } from '../api/validate.js';

export function deviceAdmin(ctx: ControllerContext): Pick<AdminHandlers, 'ListDevices' | 'BlockDevice'> {
  return {
    ListDevices: unary(ctx.log, 'Admin.ListDevices', (call) => {
      ctx.authorize(call, 'admin');
      validate('ListDevicesRequest', call.request);
      return { devices: ctx.store.devices.list() };
    }),

    BlockDevice: unary(ctx.log, 'Admin.BlockDevice', (call) => {
      const actor = `admin:${ctx.authorize(call, 'admin').name}`;
      const req = validate('BlockDeviceRequest', call.request);
      ctx.revocation.blockDevice(req.id, req.reason, actor);
      return ctx.store.devices.list().find((d) => d.id === req.id)!;
    }),
  };
}
