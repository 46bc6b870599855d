export { AUDIT_ACTIONS, type AuditAction, type AuditActor, type AuditEntry, type AuditEvent, type AuditSubject } from './audit-entry.js';
export { AuditTrail, auditTrailPathFor, localActor, type AuditFilter, type AuditRecorder, type AuditVerification } from './audit-trail.js';
export { eraseDeleted, isErasingStore, type ErasingStore } from './erase-deleted.js';
export { erasePerson, exportPerson, holdsPerson, type ExportedRecord, type PersonErasure, type PersonExport } from './person.js';
export { parseMaxAge, removeExpired, type RetentionOptions, type RetentionResult } from './retention.js';
export { openStoreAuditTrail, revealedSubjects, storeAuditTrailPath, withoutPassword, type StoreTrailOptions } from './store-trail.js';
