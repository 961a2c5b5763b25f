// Admin handlers for devices: list them, and block one (its sessions end at once and its
// certificate stops working at the next call; controller/revocation/ does it).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { Store } from '../store/store.js';
import type { Revocation } from './revocation.js';
import { unary, type HandlerDeps } from '../api/handler.js';

export interface DeviceAdminDeps extends HandlerDeps {
  store: Store;
  revocation: Pick<Revocation, 'blockDevice'>;
}

export function deviceAdmin(ctx: DeviceAdminDeps): Pick<AdminHandlers, 'ListDevices' | 'BlockDevice'> {
  return {
    ListDevices: unary(ctx.log, { method: 'Admin.ListDevices', caller: (call) => ctx.authorize(call, 'admin'), request: 'ListDevicesRequest' }, async () => {
      return { devices: await ctx.store.devices.list() };
    }),

    BlockDevice: unary(ctx.log, { method: 'Admin.BlockDevice', caller: async (call) => `admin:${(await ctx.authorize(call, 'admin')).name}`, request: 'BlockDeviceRequest' }, async (req, actor) => {
      await ctx.revocation.blockDevice(req.id, req.reason, actor);
      return (await ctx.store.devices.list()).find((d) => d.id === req.id)!;
    }),
  };
}
