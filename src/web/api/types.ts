/**
 * Wire types the console reads and sends, derived from the zod contracts in src/contracts through {@link Wire}
 * (JSON carries instants as ISO strings, not Dates).
 */
import type {
  TBehaviourEvent,
  TConsent,
  TConsentChannel,
  TConsentPurpose,
  TCustomer,
  TCustomer360,
  TCustomerCreate,
  TCustomerListItem,
  TCustomerListQuery,
  TCustomerRepairOrder,
  TCustomerSalesOrder,
  TCustomerSort,
  TCustomerVehicle,
  TGender,
  TInteraction,
  TInteractionKind,
  TStaffRef,
  TTag,
  TTagRef,
  TTimelineEntry,
  TTimelineKind,
} from '../../contracts/customers';
import type { TImportField, TImportJob, TImportKind, TImportMapping, TImportPreview, TImportStatus, TImportUpload } from '../../contracts/imports';
import type { TMe, TStaff, TStore } from '../../contracts/org';
import type { TDeliveryMilestone, TSalesOrder } from '../../contracts/sales';
import type { TRepairOrder, TRoKind, TWorkshopStage } from '../../contracts/service';
import type { TVehicle, TVehicleModel, TVehicleStatus } from '../../contracts/vehicles';

export { CONSENT_CHANNELS, CONSENT_PURPOSES, CUSTOMER_SORTS, INTERACTION_KINDS, TIMELINE_KINDS } from '../../contracts/customers';

/** A response type as it arrives over JSON: every Date becomes an ISO string. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

export type Me = Wire<TMe>;
export type Store = Wire<TStore>;
export type Staff = Wire<TStaff>;
export type StaffRef = TStaffRef;

// Customers
export type Gender = TGender;
export type ConsentChannel = TConsentChannel;
export type ConsentPurpose = TConsentPurpose;
export type InteractionKind = TInteractionKind;
export type CustomerSort = TCustomerSort;
export type TimelineKind = TTimelineKind;
export type TagRef = TTagRef;
export type Tag = TTag;
export type CustomerListItem = Wire<TCustomerListItem>;
/** Fact filters that travel as comma-separated lists (`regular,replacement`). */
type CsvFilters = 'lifecycleStage' | 'valueTier' | 'needs' | 'churnRisk';
/** Query of GET /customers as the console sends it (the server fills defaults). */
export type CustomerListQuery = Partial<Omit<TCustomerListQuery, 'cursor' | CsvFilters>> & { [K in CsvFilters]?: string };
export type Customer = Wire<TCustomer>;
/** Body of POST /customers as sent (before the server's normalisation). */
export type CustomerInput = Omit<TCustomerCreate, 'mobile' | 'idNumber'> & { mobile: string; idNumber?: string | null };
export type Consent = Wire<TConsent>;
export type Interaction = Wire<TInteraction>;
export interface InteractionInput {
  kind: InteractionKind;
  direction?: 'inbound' | 'outbound';
  occurredAt?: string;
  outcome?: string;
  summary: string;
}
export type BehaviourEvent = Wire<TBehaviourEvent>;
export type TimelineEntry = Wire<TTimelineEntry>;
export type Customer360 = Wire<TCustomer360>;
/** The vehicle, sales order and repair order shapes embedded in the 360 view. */
export type CustomerVehicle = Wire<TCustomerVehicle>;
export type CustomerSalesOrder = Wire<TCustomerSalesOrder>;
export type CustomerRepairOrder = Wire<TCustomerRepairOrder>;

// Vehicles, sales, service
export type Vehicle = Wire<TVehicle>;
export type VehicleStatus = TVehicleStatus;
export type VehicleModel = Wire<TVehicleModel>;
export type SalesOrder = Wire<TSalesOrder>;
export type DeliveryMilestone = TDeliveryMilestone;
export type RepairOrder = Wire<TRepairOrder>;
export type RoKind = TRoKind;
export type WorkshopStage = TWorkshopStage;
export const DELIVERY_MILESTONE_KEYS = ['ordered', 'inspection', 'transport', 'pdi', 'handover_prep', 'delivered'] as const satisfies readonly DeliveryMilestone[];
export const WORKSHOP_STAGES = ['booked', 'received', 'diagnosis', 'repair', 'qc', 'wash', 'ready', 'delivered'] as const satisfies readonly WorkshopStage[];
export const RO_KINDS = ['first_service', 'maintenance', 'repair', 'warranty', 'accident', 'recall', 'inspection'] as const satisfies readonly RoKind[];

// Imports
export const IMPORT_KINDS = ['customers', 'vehicles', 'sales_orders', 'repair_orders'] as const satisfies readonly TImportKind[];
export type ImportKind = TImportKind;
export type ImportStatus = TImportStatus;
export type ImportMapping = TImportMapping;
export type ImportField = TImportField;
export type ImportUpload = Wire<TImportUpload>;
export type ImportPreview = Wire<TImportPreview>;
export type ImportJob = Wire<TImportJob>;
export interface ImportMappingPreset {
  id: string;
  kind: ImportKind;
  name: string;
  mapping: ImportMapping;
}

// Audit log
export interface AuditEntry {
  id: string;
  at: string;
  actorStaffId: string | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string | null;
  storeId: string | null;
  customerId: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}
