import { lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { LoginPage } from '../auth/login/LoginPage';
import { NotFoundPage } from '../components/NotFoundPage';
import { AppLayout } from './AppLayout';
import { RequireAuth, RequirePermission } from './guards';
import { pages } from './pages';

const CustomerListPage = lazy(pages.customerList);
const CustomerDetailPage = lazy(pages.customerDetail);
const ImportsPage = lazy(pages.imports);
const ImportDetailPage = lazy(pages.importDetail);
const StoresPage = lazy(pages.stores);
const StaffPage = lazy(pages.staff);
const CataloguePage = lazy(pages.catalogue);
const AuditPage = lazy(pages.audit);
const MyTasksPage = lazy(pages.myTasks);
const TeamBoardPage = lazy(pages.teamBoard);
const TaskSettingsPage = lazy(pages.taskSettings);
const OutboxPage = lazy(pages.outbox);
const TemplatesPage = lazy(pages.templates);
const MessagingSettingsPage = lazy(pages.messagingSettings);
const AppointmentsPage = lazy(pages.appointments);
const SegmentListPage = lazy(pages.segmentList);
const SegmentEditorPage = lazy(pages.segmentEditor);
const JourneyRulesPage = lazy(pages.journeyRules);
const JourneyRuleEditorPage = lazy(pages.journeyRuleEditor);
const JourneyRunsPage = lazy(pages.journeyRuns);
const FactSettingsPage = lazy(pages.factSettings);
const LoyaltySettingsPage = lazy(pages.loyaltySettings);
const RewardsPage = lazy(pages.rewards);
const RedeemCouponPage = lazy(pages.redeemCoupon);
const LoyaltyReportsPage = lazy(pages.loyaltyReports);
const ReferralsPage = lazy(pages.referrals);
const ComplaintListPage = lazy(pages.complaintList);
const ComplaintDetailPage = lazy(pages.complaintDetail);
const ComplaintSettingsPage = lazy(pages.complaintSettings);
const WeeklyReviewPage = lazy(pages.weeklyReview);
const NpsReportPage = lazy(pages.npsReport);
const SurveyTemplatesPage = lazy(pages.surveyTemplates);


/** The staff console's routes; the server falls back to index.html for every non-/api path. */
export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        }
      >
        <Route index element={<Navigate to="/customers" replace />} />
        <Route path="/customers" element={<CustomerListPage />} />
        <Route path="/customers/:id" element={<CustomerDetailPage />} />
        <Route path="/imports" element={<RequirePermission permission="imports.run"><ImportsPage /></RequirePermission>} />
        <Route path="/imports/:id" element={<RequirePermission permission="imports.run"><ImportDetailPage /></RequirePermission>} />
        <Route path="/org" element={<Navigate to="/org/stores" replace />} />
        <Route path="/org/stores" element={<RequirePermission permission="org.manage"><StoresPage /></RequirePermission>} />
        <Route path="/org/staff" element={<RequirePermission permission="org.manage"><StaffPage /></RequirePermission>} />
        <Route path="/catalogue" element={<CataloguePage />} />
        <Route path="/service/appointments" element={<AppointmentsPage />} />
        <Route path="/audit" element={<RequirePermission permission="audit.read"><AuditPage /></RequirePermission>} />
        <Route path="/tasks" element={<RequirePermission permission="tasks.read"><MyTasksPage /></RequirePermission>} />
        <Route path="/tasks/board" element={<RequirePermission permission="tasks.manage"><TeamBoardPage /></RequirePermission>} />
        <Route path="/tasks/settings" element={<RequirePermission permission="tasks.manage"><TaskSettingsPage /></RequirePermission>} />
        <Route path="/messages" element={<RequirePermission permission="messages.read"><OutboxPage /></RequirePermission>} />
        <Route path="/messages/templates" element={<RequirePermission permission="templates.manage"><TemplatesPage /></RequirePermission>} />
        <Route path="/messages/settings" element={<RequirePermission permission="messaging.settings"><MessagingSettingsPage /></RequirePermission>} />
        <Route path="/segments" element={<RequirePermission permission="segments.read"><SegmentListPage /></RequirePermission>} />
        <Route path="/segments/settings" element={<RequirePermission permission="segments.settings"><FactSettingsPage /></RequirePermission>} />
        <Route path="/segments/new" element={<RequirePermission permission="segments.write"><SegmentEditorPage /></RequirePermission>} />
        <Route path="/segments/:id" element={<RequirePermission permission="segments.read"><SegmentEditorPage /></RequirePermission>} />
        <Route path="/journeys" element={<RequirePermission permission="journeys.read"><JourneyRulesPage /></RequirePermission>} />
        <Route path="/journeys/runs" element={<RequirePermission permission="journeys.read"><JourneyRunsPage /></RequirePermission>} />
        <Route path="/journeys/new" element={<RequirePermission permission="journeys.manage"><JourneyRuleEditorPage /></RequirePermission>} />
        <Route path="/journeys/:id" element={<RequirePermission permission="journeys.read"><JourneyRuleEditorPage /></RequirePermission>} />
        <Route path="/loyalty/settings" element={<RequirePermission permission="loyalty.read"><LoyaltySettingsPage /></RequirePermission>} />
        <Route path="/loyalty/rewards" element={<RequirePermission permission="loyalty.read"><RewardsPage /></RequirePermission>} />
        <Route path="/loyalty/redeem" element={<RequirePermission permission="coupons.redeem"><RedeemCouponPage /></RequirePermission>} />
        <Route path="/loyalty/reports" element={<RequirePermission permission="loyalty.reports"><LoyaltyReportsPage /></RequirePermission>} />
        <Route path="/loyalty/referrals" element={<RequirePermission permission="referrals.read"><ReferralsPage /></RequirePermission>} />
        <Route path="/complaints" element={<RequirePermission permission="complaints.read"><ComplaintListPage /></RequirePermission>} />
        <Route path="/complaints/weekly" element={<RequirePermission permission="voice.reports"><WeeklyReviewPage /></RequirePermission>} />
        <Route path="/complaints/settings" element={<RequirePermission permission="complaints.read"><ComplaintSettingsPage /></RequirePermission>} />
        <Route path="/complaints/:id" element={<RequirePermission permission="complaints.read"><ComplaintDetailPage /></RequirePermission>} />
        <Route path="/surveys/nps" element={<RequirePermission permission="voice.reports"><NpsReportPage /></RequirePermission>} />
        <Route path="/surveys/templates" element={<RequirePermission permission="voice.reports"><SurveyTemplatesPage /></RequirePermission>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
