/** Every domain's Drizzle tables, re-exported for drizzle-kit and for the one drizzle instance. */
export * from '../modules/org/schema.js';
export * from '../modules/audit/schema.js';
export * from '../modules/customers/schema.js';
export * from '../modules/vehicles/schema.js';
export * from '../modules/sales/schema.js';
export * from '../modules/service/schema.js';
export * from '../modules/imports/schema.js';
export * from '../modules/tasks/schema.js';
export * from '../modules/messaging/schema.js';
export * from '../modules/segments/schema.js';
export * from '../modules/service/appointments/schema.js';
export * from '../modules/portal/schema.js';
export * from '../modules/journeys/schema.js';
export * from '../modules/loyalty/schema.js';
export * from '../modules/referrals/schema.js';
export * from '../modules/complaints/schema.js';
export * from '../modules/surveys/schema.js';
