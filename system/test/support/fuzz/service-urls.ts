// The base URL of every HTTP service of a planned system (the workers serve probes only).
import type { SystemPlan } from '../../../src/system-plan.ts';

const HTTP_SERVICES = ['auth', 'user', 'post', 'media', 'feed', 'search', 'notification'] as const;

export function serviceUrls(plan: SystemPlan): Record<string, string> {
  return Object.fromEntries(HTTP_SERVICES.map((name) => [name, `http://127.0.0.1:${plan.ports[name]}`]));
}
