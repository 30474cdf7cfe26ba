/** Code-split page modules, loaded on first visit (or earlier by {@link prefetchPages}). */
export const pages = {
  customerList: () => import('../customers/customer-list/CustomerListPage'),
  customerDetail: () => import('../customers/customer-detail/CustomerDetailPage'),
  imports: () => import('../imports/import-wizard/ImportsPage'),
  importDetail: () => import('../imports/import-detail/ImportDetailPage'),
  stores: () => import('../org/stores/StoresPage'),
  staff: () => import('../org/staff/StaffPage'),
  catalogue: () => import('../vehicles/catalogue/CataloguePage'),
  audit: () => import('../audit/audit-log/AuditPage'),
  myTasks: () => import('../tasks/my-tasks/MyTasksPage'),
  teamBoard: () => import('../tasks/team-board/TeamBoardPage'),
  taskSettings: () => import('../tasks/task-settings/TaskSettingsPage'),
  outbox: () => import('../messaging/outbox/OutboxPage'),
  templates: () => import('../messaging/templates/TemplatesPage'),
  messagingSettings: () => import('../messaging/settings/MessagingSettingsPage'),
  appointments: () => import('../service/appointments/AppointmentsPage'),
  segmentList: () => import('../segments/segment-list/SegmentListPage'),
  segmentEditor: () => import('../segments/segment-editor/SegmentEditorPage'),
  factSettings: () => import('../segments/fact-settings/FactSettingsPage'),
  journeyRules: () => import('../journeys/rule-list/JourneyRulesPage'),
  journeyRuleEditor: () => import('../journeys/rule-editor/JourneyRuleEditorPage'),
  journeyRuns: () => import('../journeys/runs/JourneyRunsPage'),
  loyaltySettings: () => import('../loyalty/settings/LoyaltySettingsPage'),
  rewards: () => import('../loyalty/rewards/RewardsPage'),
  redeemCoupon: () => import('../loyalty/redeem/RedeemCouponPage'),
  loyaltyReports: () => import('../loyalty/reports/LoyaltyReportsPage'),
  referrals: () => import('../loyalty/referrals/ReferralsPage'),
  complaintList: () => import('../complaints/complaint-list/ComplaintListPage'),
  complaintDetail: () => import('../complaints/complaint-detail/ComplaintDetailPage'),
  complaintSettings: () => import('../complaints/complaint-settings/ComplaintSettingsPage'),
  weeklyReview: () => import('../complaints/weekly-review/WeeklyReviewPage'),
  npsReport: () => import('../surveys/nps-report/NpsReportPage'),
  surveyTemplates: () => import('../surveys/templates/SurveyTemplatesPage'),
};

/** Loads every page's code once the shell is idle, so the first visit to a page shows data, not a skeleton. */
export function prefetchPages(): void {
  for (const load of Object.values(pages)) void load().catch(() => undefined);
}
