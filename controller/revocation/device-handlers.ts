// Admin handlers for devices: list them, and block one (its sessions end at once and its
// certificate stops working at the next call; controller/revocation/ does it).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { ControllerContext } from '../api/context.js';
import { unary } from '../api/handler.js';

export function deviceAdmin(ctx: ControllerContext): Pick<AdminHandlers, 'ListDevices' | 'BlockDevice'> {
  return {
    ListDevices: unary(ctx.log, { method: 'Admin.ListDevices', caller: (call) => ctx.authorize(call, 'admin'), request: 'ListDevicesRequest' }, () => {
      return { devices: ctx.store.devices.list() };
    }),

    BlockDevice: unary(ctx.log, { method: 'Admin.BlockDevice', caller: (call) => `admin:${ctx.authorize(call, 'admin').name}`, request: 'BlockDeviceRequest' }, (req, actor) => {
      ctx.revocation.blockDevice(req.id, req.reason, actor);
      return ctx.store.devices.list().find((d) => d.id === req.id)!;
    }),
  };
}
