import { InvalidArgumentError } from '@pv/core';

/** The audit settings as one source gives them (flags, or the config file's `audit` and `auditTrail`). */
export interface AuditSettingsInput {
  /** `false` (or `off`, `no`, `0`) turns the audit trail off; `true` (or `on`) keeps it (the default). */
  readonly audit?: boolean | string;
  /** The trail file, instead of the one beside the store. */
  readonly auditTrail?: string;
}

/** Where the audit settings come from, most important first: flags, environment (`PV_AUDIT`, `PV_AUDIT_TRAIL`), config file. */
export interface AuditSettingsSources {
  readonly flags?: AuditSettingsInput;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly config?: AuditSettingsInput;
  /** Where the config came from, for messages. */
  readonly configName?: string;
}

/** Whether pv keeps an audit trail, and in which file when not the default one beside the store. */
export interface AuditSettings {
  /** False only when turned off (`PV_AUDIT=off`, `"audit": false`). */
  readonly enabled: boolean;
  /** The trail file named by `PV_AUDIT_TRAIL`, `auditTrail` in the config or a flag; `undefined`: beside the store. */
  readonly trail: string | undefined;
}

const ON = /^(1|true|yes|on)$/iu;
const OFF = /^(0|false|no|off)$/iu;

/**
 * Resolves the audit settings like every other setting: for each, the first of flag, environment variable
 * (`PV_AUDIT`, `PV_AUDIT_TRAIL`) and config file (`audit`, `auditTrail`) that gives it. The trail is on by
 * default; a value of `PV_AUDIT` that is neither on nor off is `E_INVALID_ARGUMENT` (a typo never silently
 * turns accountability off).
 *
 * @example
 * ```ts
 * resolveAuditSettings({ env: { PV_AUDIT: 'off' } }); // { enabled: false, trail: undefined }
 * resolveAuditSettings({ env: { PV_AUDIT_TRAIL: '/var/log/pv/audit.jsonl' } }); // { enabled: true, trail: '/var/log/pv/audit.jsonl' }
 * ```
 */
export function resolveAuditSettings(sources: AuditSettingsSources): AuditSettings {
  const configName = sources.configName ?? 'the config file';
  const envAudit = sources.env?.['PV_AUDIT'];
  const audit: { value: boolean | string; where: string } | undefined =
    sources.flags?.audit !== undefined
      ? { value: sources.flags.audit, where: '--audit' }
      : envAudit !== undefined && envAudit.trim() !== ''
        ? { value: envAudit, where: 'PV_AUDIT' }
        : sources.config?.audit !== undefined
          ? { value: sources.config.audit, where: `audit in ${configName}` }
          : undefined;
  let enabled = true;
  if (audit !== undefined) {
    if (typeof audit.value === 'boolean') enabled = audit.value;
    else if (ON.test(audit.value.trim())) enabled = true;
    else if (OFF.test(audit.value.trim())) enabled = false;
    else throw new InvalidArgumentError(`${audit.where} must be on or off, not "${audit.value}"`, { name: audit.where });
  }
  const envTrail = sources.env?.['PV_AUDIT_TRAIL'];
  const trail =
    sources.flags?.auditTrail ?? (envTrail !== undefined && envTrail.trim() !== '' ? envTrail : undefined) ?? sources.config?.auditTrail;
  if (trail !== undefined && (typeof trail !== 'string' || trail.trim() === '')) {
    throw new InvalidArgumentError('The audit trail file must be a non-empty path', { name: 'auditTrail' });
  }
  return { enabled, trail: trail?.trim() };
}
