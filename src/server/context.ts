import type { TConfig } from './config.js';
import type { Database, TDb } from './db/index.js';
import type { Clock } from './platform/clock.js';
import type { Jobs } from './platform/jobs.js';
import { createOrgService } from './modules/org/service.js';
import { createCustomersService, type TCustomerReassigner } from './modules/customers/service.js';
import { createVehiclesService } from './modules/vehicles/service.js';
import { createSalesService } from './modules/sales/service.js';
import { createServiceOrdersService } from './modules/service/service.js';
import { createImportsService } from './modules/imports/service.js';
import { createSegmentsService } from './modules/segments/service.js';
import { createTasksService } from './modules/tasks/service.js';
import { createMessagingService } from './modules/messaging/service.js';
import { createAppointmentsService } from './modules/service/appointments/service.js';
import { createPortalService } from './modules/portal/service.js';
import { createActionRegistry } from './modules/journeys/actions.js';
import { createJourneysService } from './modules/journeys/service.js';
import { loyaltyCompensator } from './modules/loyalty/compensator.js';
import { loyaltyJourneyActions } from './modules/loyalty/journey-actions.js';
import { createLoyaltyService } from './modules/loyalty/service.js';
import { surveysJourneyActions } from './modules/surveys/journey-actions.js';
import { createReferralsService } from './modules/referrals/service.js';
import { createComplaintsService } from './modules/complaints/service.js';
import { createSurveysService } from './modules/surveys/service.js';
import { createComplaintReports } from './modules/complaints/reports.js';
import { createSurveyReports } from './modules/surveys/reports.js';

/**
 * The composition root's product: every service, built once with explicit dependencies. `demo` is true only for
 * `npm start` (demo mode), where owner sign-in codes are also written to the server log.
 */
export function createServices(deps: { db: TDb; clock: Clock; jobs: Jobs | null; config: TConfig; demo?: boolean }) {
  const org = createOrgService(deps);
  const vehicles = createVehiclesService(deps);
  const sales = createSalesService(deps);
  const serviceOrders = createServiceOrdersService(deps);
  const mergeFollowers: TCustomerReassigner[] = [];
  const customers = createCustomersService({ ...deps, vehicles, sales, serviceOrders, mergeFollowers });
  const imports = createImportsService(deps);
  const segments = createSegmentsService(deps);
  const tasks = createTasksService(deps);
  const messaging = createMessagingService(deps);
  const appointments = createAppointmentsService({ ...deps, messaging, serviceOrders });
  const portal = createPortalService({ ...deps, messaging, customers, vehicles, sales, serviceOrders, appointments, segments });
  const loyalty = createLoyaltyService({ ...deps, messaging });
  const referrals = createReferralsService({ ...deps, loyalty });
  const complaints = createComplaintsService({ ...deps, compensator: loyaltyCompensator(loyalty) });
  const surveys = createSurveysService({ ...deps, messaging, tasks, complaints });
  // Journey actions: tasks, messages and tags of its own, plus what loyalty and surveys contribute.
  const actions = createActionRegistry({ tasks, messaging }, [...loyaltyJourneyActions(loyalty), ...surveysJourneyActions(surveys)]);
  const journeys = createJourneysService({ ...deps, segments, actions });
  // A customer merge also moves the survivor's tasks, messages, coupons and points (see customers.merge).
  mergeFollowers.push(tasks, messaging, loyalty);
  return {
    org, customers, vehicles, sales, serviceOrders, imports, segments, tasks, messaging, appointments, portal, journeys, loyalty, referrals,
    complaints, surveys, complaintReports: createComplaintReports(deps), surveyReports: createSurveyReports(deps),
  };
}

export type TServices = ReturnType<typeof createServices>;

export interface AppContext {
  config: TConfig;
  database: Database;
  db: TDb;
  clock: Clock;
  jobs: Jobs | null;
  services: TServices;
}
