import type { Store } from '@pv/core';
import { erasePerson, exportPerson, holdsPerson, openStoreAuditTrail, withoutPassword, type AuditEvent, type AuditRecorder, type AuditTrail, type PersonErasure, type PersonExport } from '@pv/privacy';
import { resolveAuditSettings, type AuditSettings } from '@pv/settings';
import type { FastifyRequest } from 'fastify';
import { presentedKey, type ApiKeyRing } from './api-keys.js';
import type { ServerConfig } from './config.js';

/** Whose trail an entry goes to and who it names: by default the server's store and the request's `/v1` key. */
export interface AuditTarget {
  /** The store acted on (default: the server's store). */
  readonly store?: string;
  /** The id of the key that authorised the request (default: the `/v1` key's id, `key-N`). */
  readonly keyId?: string;
}

/**
 * The server's audit trail: every mutation and identity read is recorded in the trail of the store it
 * touched (found by `@pv/privacy`'s `openStoreAuditTrail`, as the CLI finds it), naming the API key's id
 * (never the key) and the client's address (`request.ip`, which honours `trustProxy`). Routes make one call.
 */
export class ServerAudit {
  readonly #settings: AuditSettings;
  readonly #keys: ApiKeyRing;
  readonly #defaultStore: string;
  readonly #trails = new Map<string, Promise<AuditTrail | undefined>>();

  constructor(options: { readonly settings: AuditSettings; readonly keys: ApiKeyRing; readonly store: string }) {
    this.#settings = options.settings;
    this.#keys = options.keys;
    this.#defaultStore = options.store;
  }

  /** The recorder of one request (`undefined` when the store keeps no trail or recording is off). */
  async recorder(request: FastifyRequest, target: AuditTarget = {}): Promise<AuditRecorder | undefined> {
    const storeUri = target.store ?? this.#defaultStore;
    const trail = await this.#trail(storeUri);
    if (trail === undefined) return undefined;
    const actor = { kind: 'api-key' as const, id: target.keyId ?? this.#keyId(request) };
    return trail.as(actor, request.ip || 'unknown', withoutPassword(storeUri));
  }

  /** Records one event of a request; resolves once it is on disk. */
  async record(request: FastifyRequest, event: AuditEvent, target: AuditTarget = {}): Promise<void> {
    await (await this.recorder(request, target))?.record(event);
  }

  /** Erases a person from `store` and from the trail's personal fields (`erasePerson`), recording the erasure. */
  async erase(request: FastifyRequest, store: Store, label: string, target: AuditTarget = {}): Promise<PersonErasure> {
    const recorder = await this.recorder(request, target);
    const kept = await this.#keptTrail(target);
    // Nobody by that name, anywhere: nothing to erase, nothing to record.
    if (!(await holdsPerson(store, label, kept))) return { records: 0, auditEntries: 0 };
    // Recording off: nothing is recorded, but a trail kept earlier still loses the person's fields.
    return erasePerson(store, label, recorder, recorder ? undefined : kept);
  }

  /** Everything held about a person (`exportPerson`), recording the export; `undefined` when nothing is. */
  async export(request: FastifyRequest, store: Store, label: string, target: AuditTarget = {}): Promise<PersonExport | undefined> {
    if (!(await holdsPerson(store, label, await this.#keptTrail(target)))) return undefined;
    return exportPerson(store, label, await this.recorder(request, target));
  }

  /** The target store's trail, kept now or earlier (also when recording is off now). */
  #keptTrail(target: AuditTarget): Promise<AuditTrail | undefined> {
    return openStoreAuditTrail(target.store ?? this.#defaultStore, { settings: { ...this.#settings, enabled: true } });
  }

  #trail(storeUri: string): Promise<AuditTrail | undefined> {
    let trail = this.#trails.get(storeUri);
    if (!trail) {
      trail = openStoreAuditTrail(storeUri, { settings: this.#settings });
      trail.catch(() => this.#trails.delete(storeUri));
      this.#trails.set(storeUri, trail);
    }
    return trail;
  }

  #keyId(request: FastifyRequest): string {
    const check = this.#keys.check(presentedKey(request.headers));
    return check.kind === 'valid' ? check.keyId : 'none';
  }
}

/** The audit settings of a server configuration (`audit`, `auditTrail`), read by `@pv/settings`' resolver. */
export function auditSettingsOf(config: Pick<ServerConfig, 'audit' | 'auditTrail'>): AuditSettings {
  return resolveAuditSettings({ flags: { audit: config.audit, ...(config.auditTrail !== undefined ? { auditTrail: config.auditTrail } : {}) } });
}
