// Admin handlers for devices: list them, and block one (its sessions end at once and its
// certificate stops working at the next call).
import type { AdminHandlers } from '../../../proto/generated/wicket/v1/Admin.js';
import type { SessionManager } from '../../sessions/sessions.js';
import type { ControllerContext } from '../context.js';
import { unary } from '../errors.js';
import { notFound } from '../../errors.js';
import { validate } from '../validate.js';

export function deviceAdmin(ctx: ControllerContext, sessions: SessionManager): Pick<AdminHandlers, 'ListDevices' | 'BlockDevice'> {
  return {
    ListDevices: unary(ctx.log, 'Admin.ListDevices', (call) => {
      ctx.authorize(call, 'admin');
      validate('ListDevicesRequest', call.request);
      return { devices: ctx.store.devices.list() };
    }),

    BlockDevice: unary(ctx.log, 'Admin.BlockDevice', (call) => {
      const actor = `admin:${ctx.authorize(call, 'admin').name}`;
      const req = validate('BlockDeviceRequest', call.request);
      const blocked = ctx.store.transaction(() => {
        if (!ctx.store.devices.setBlocked(req.id, true, req.reason)) return false;
        ctx.audit.append({ actor, action: 'device.block', target: req.id, details: { reason: req.reason } });
        return true;
      });
      if (!blocked) throw notFound(`no device ${req.id}`);
      sessions.endDeviceSessions(req.id, `device blocked by ${actor}${req.reason ? `: ${req.reason}` : ''}`, actor);
      return ctx.store.devices.list().find((d) => d.id === req.id)!;
    }),
  };
}
