// `--set <service>.<VARIABLE>=<value>`: checked before anything starts, by the service's own config
// schema and loader — the same check the service makes at boot — so a typo or a bad value is a usage
// error naming the service and the variable, not a process that exits (or a setting silently ignored).
import { AuthConfigSchema, loadAuthConfig } from '@scalegram/auth-service/config';
import { FeedConfigSchema, loadFeedConfig } from '@scalegram/feed-service/config';
import { GatewayConfigSchema, loadGatewayConfig } from '@scalegram/gateway-service/config';
import { ConfigError } from '@scalegram/kit/config';
import { loadMediaConfig, MediaConfigSchema } from '@scalegram/media-service/config';
import { loadMediaWorkerConfig, MediaWorkerConfigSchema } from '@scalegram/media-worker-service/config';
import { loadNotificationConfig, NotificationConfigSchema } from '@scalegram/notification-service/config';
import { loadPostConfig, PostConfigSchema } from '@scalegram/post-service/config';
import { loadSearchConfig, SearchConfigSchema } from '@scalegram/search-service/config';
import { loadUserConfig, UserConfigSchema } from '@scalegram/user-service/config';
import { UsageError } from './cli-options.ts';
import { type Deployable, environmentAmong, type SystemPlan, settingsFor } from './system-plan.ts';

interface ServiceConfiguration {
  variables: readonly string[];
  load(env: Record<string, string>): unknown;
}

const of = (schema: { properties: object }, load: (env: Record<string, string>) => unknown) => ({
  variables: Object.keys(schema.properties),
  load,
});

const CONFIGURATIONS: Readonly<Record<Deployable, ServiceConfiguration>> = {
  auth: of(AuthConfigSchema, loadAuthConfig),
  user: of(UserConfigSchema, loadUserConfig),
  post: of(PostConfigSchema, loadPostConfig),
  media: of(MediaConfigSchema, loadMediaConfig),
  'media-worker': of(MediaWorkerConfigSchema, loadMediaWorkerConfig),
  feed: of(FeedConfigSchema, loadFeedConfig),
  'feed-worker': of(FeedConfigSchema, loadFeedConfig),
  search: of(SearchConfigSchema, loadSearchConfig),
  notification: of(NotificationConfigSchema, loadNotificationConfig),
  gateway: of(GatewayConfigSchema, loadGatewayConfig),
};

/** Throws a UsageError for an unknown variable or a value the service's schema refuses. */
export function checkSettings(plan: SystemPlan, running: readonly Deployable[]): void {
  for (const deployable of running) {
    const given = settingsFor(deployable, plan.settings);
    if (Object.keys(given).length === 0) continue;
    const { variables, load } = CONFIGURATIONS[deployable];
    for (const variable of Object.keys(given)) {
      if (!variables.includes(variable)) {
        const similar = variables.filter((known) => known.includes(variable) || variable.includes(known));
        throw new UsageError(
          `--set: ${deployable} has no configuration variable ${variable}` +
            (similar.length > 0 ? ` (did you mean ${similar.join(', ')}?)` : '') +
            `; see services/${deployable === 'feed-worker' ? 'feed' : deployable}/src/config.ts`,
        );
      }
    }
    try {
      load(environmentAmong(deployable, plan, running));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new UsageError(
        `--set: ${deployable} refuses its configuration:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`,
      );
    }
  }
}
