import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DashboardSessions } from './dashboard-session';
import { OperatorSecret } from './operator-secret';

/** The request header that carries the admin key. */
export const ADMIN_API_KEY_HEADER = 'x-api-key';
/** Holds the admin key: invalidation needs it; when set, the stats, snapshots and dashboard need it too. */
export const ADMIN_API_KEY_ENV = 'CACHE_ADMIN_API_KEY';
/** Holds a token for `GET /metrics` only (what a Prometheus scrape config sends as a bearer token). */
export const METRICS_TOKEN_ENV = 'CACHE_METRICS_TOKEN';

/** The operator secrets of this app, read once from the environment (through ConfigService). */
@Injectable()
export class OperatorCredentials {
  readonly admin: OperatorSecret;
  readonly metrics: OperatorSecret;
  /** Dashboard sign-in sessions, signed with the admin key; undefined when no admin key is set. */
  readonly sessions?: DashboardSessions;

  constructor(config: ConfigService) {
    const adminKey = config.get<string>(ADMIN_API_KEY_ENV)?.trim();
    this.admin = new OperatorSecret(adminKey);
    this.metrics = new OperatorSecret(config.get<string>(METRICS_TOKEN_ENV));
    this.sessions = adminKey ? new DashboardSessions(adminKey) : undefined;
  }
}
