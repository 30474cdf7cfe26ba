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
const SegmentListPage = lazy(pages.segmentList);
const SegmentEditorPage = lazy(pages.segmentEditor);
const FactSettingsPage = lazy(pages.factSettings);


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
        <Route path="/audit" element={<RequirePermission permission="audit.read"><AuditPage /></RequirePermission>} />
        <Route path="/segments" element={<RequirePermission permission="segments.read"><SegmentListPage /></RequirePermission>} />
        <Route path="/segments/settings" element={<RequirePermission permission="segments.settings"><FactSettingsPage /></RequirePermission>} />
        <Route path="/segments/new" element={<RequirePermission permission="segments.write"><SegmentEditorPage /></RequirePermission>} />
        <Route path="/segments/:id" element={<RequirePermission permission="segments.read"><SegmentEditorPage /></RequirePermission>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
