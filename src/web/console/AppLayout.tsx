import {
  AlertOutlined,
  ApartmentOutlined,
  AuditOutlined,
  CalendarOutlined,
  CarOutlined,
  BarChartOutlined,
  CloudUploadOutlined,
  ClusterOutlined,
  ControlOutlined,
  CrownOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  DownOutlined,
  FileTextOutlined,
  GiftOutlined,
  FormOutlined,
  GlobalOutlined,
  HistoryOutlined,
  IdcardOutlined,
  LineChartOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  NodeIndexOutlined,
  ScheduleOutlined,
  ScanOutlined,
  SendOutlined,
  SettingOutlined,
  ShopOutlined,
  SmileOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  ToolOutlined,
  UsergroupAddOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Dropdown, Layout, Menu, Select, Space, Tag, theme, Typography, type MenuProps } from 'antd';
import { Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useLogout } from '../auth/api';
import { PageSkeleton } from '../components/PageSkeleton';
import { setLang, type TLang } from '../i18n';
import { useLocalStorage } from '../lib/useLocalStorage';
import { useStores } from '../org/api';
import { OverdueBadge } from '../tasks/components/OverdueBadge';
import { prefetchPages } from './pages';
import { useSession } from './session';

const { Sider, Header, Content } = Layout;

/** The one layout of the console: side menu by area, header with store, language and user. */
export function AppLayout() {
  const { t, i18n } = useTranslation();
  const { me, can, groupWide, storeId, setStoreId, storeName } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const logout = useLogout();
  const stores = useStores();
  const [collapsed, setCollapsed] = useLocalStorage('baoke.menu.collapsed', false);
  const { token } = theme.useToken();

  useEffect(() => {
    const h = window.setTimeout(() => prefetchPages(), 1500);
    return () => window.clearTimeout(h);
  }, []);

  const items = useMemo<MenuProps['items']>(() => {
    type TItems = NonNullable<MenuProps['items']>;
    // The menu by area (客户经营, 关怀触达, 会员权益, 售后服务, 客户之声, 系统管理), each a fold of its own pages; an
    // area the user has nothing in is left out. The area of the open page is unfolded (see `openKeys`).
    const list: TItems = [];
    const area = (key: string, icon: ReactNode, label: string, children: TItems) => {
      if (children.length > 0) list.push({ key: `area:${key}`, icon, label, children });
    };

    const customers: TItems = [];
    if (can('customers.read')) customers.push({ key: '/customers', icon: <TeamOutlined />, label: t('nav.customers') });
    if (can('segments.read')) customers.push({ key: '/segments', icon: <ClusterOutlined />, label: t('segments.nav.segments') });
    if (can('segments.settings')) customers.push({ key: '/segments/settings', icon: <ControlOutlined />, label: t('segments.nav.settings') });
    area('customers', <TeamOutlined />, t('nav.areaCustomers'), customers);

    const engagement: TItems = [];
    if (can('journeys.read')) {
      engagement.push({ key: '/journeys', icon: <ThunderboltOutlined />, label: t('journeys.nav.rules') });
      engagement.push({ key: '/journeys/runs', icon: <HistoryOutlined />, label: t('journeys.nav.runs') });
    }
    if (can('tasks.read')) {
      engagement.push({ key: '/tasks', icon: <ScheduleOutlined />, label: t('tasks.nav.mine') });
      if (can('tasks.manage')) {
        engagement.push({ key: '/tasks/board', icon: <DashboardOutlined />, label: t('tasks.nav.board') });
        engagement.push({ key: '/tasks/settings', icon: <SettingOutlined />, label: t('tasks.nav.settings') });
      }
    }
    if (can('messages.read')) {
      engagement.push({ key: '/messages', icon: <SendOutlined />, label: t('messaging.nav.outbox') });
      if (can('templates.manage')) engagement.push({ key: '/messages/templates', icon: <FileTextOutlined />, label: t('messaging.nav.templates') });
      if (can('messaging.settings')) engagement.push({ key: '/messages/settings', icon: <ControlOutlined />, label: t('messaging.nav.settings') });
    }
    area('engagement', <NodeIndexOutlined />, t('nav.areaEngagement'), engagement);

    const loyalty: TItems = [];
    if (can('loyalty.read')) {
      if (can('coupons.redeem')) loyalty.push({ key: '/loyalty/redeem', icon: <ScanOutlined />, label: t('loyalty.nav.redeem') });
      loyalty.push({ key: '/loyalty/rewards', icon: <GiftOutlined />, label: t('loyalty.nav.rewards') });
      if (can('referrals.read')) loyalty.push({ key: '/loyalty/referrals', icon: <UsergroupAddOutlined />, label: t('loyalty.nav.referrals') });
      if (can('loyalty.reports')) loyalty.push({ key: '/loyalty/reports', icon: <BarChartOutlined />, label: t('loyalty.nav.reports') });
      loyalty.push({ key: '/loyalty/settings', icon: <ControlOutlined />, label: t('loyalty.nav.settings') });
    }
    area('loyalty', <CrownOutlined />, t('nav.areaLoyalty'), loyalty);

    const service: TItems = [];
    if (can('appointments.read')) service.push({ key: '/service/appointments', icon: <CalendarOutlined />, label: t('appointments.nav') });
    area('service', <ToolOutlined />, t('nav.areaService'), service);

    const voice: TItems = [];
    if (can('complaints.read')) voice.push({ key: '/complaints', icon: <AlertOutlined />, label: t('voice.nav.complaints') });
    if (can('voice.reports')) {
      voice.push({ key: '/complaints/weekly', icon: <LineChartOutlined />, label: t('voice.nav.weekly') });
      voice.push({ key: '/surveys/nps', icon: <SmileOutlined />, label: t('voice.nav.nps') });
      voice.push({ key: '/surveys/templates', icon: <FormOutlined />, label: t('voice.nav.templates') });
    }
    if (can('complaints.manage')) voice.push({ key: '/complaints/settings', icon: <SettingOutlined />, label: t('voice.nav.settings') });
    area('voice', <CustomerServiceOutlined />, t('nav.areaVoice'), voice);

    const admin: TItems = [];
    if (can('imports.run')) admin.push({ key: '/imports', icon: <CloudUploadOutlined />, label: t('nav.imports') });
    if (can('org.manage')) {
      admin.push({ key: '/org/stores', icon: <ShopOutlined />, label: t('nav.stores') });
      admin.push({ key: '/org/staff', icon: <IdcardOutlined />, label: t('nav.staff') });
    }
    if (can('customers.read')) admin.push({ key: '/catalogue', icon: <CarOutlined />, label: t('nav.catalogue') });
    if (can('audit.read')) admin.push({ key: '/audit', icon: <AuditOutlined />, label: t('nav.audit') });
    area('admin', <ApartmentOutlined />, t('nav.areaAdmin'), admin);
    return list;
  }, [can, t]);

  // The longest menu path the location starts with (`/tasks/board` selects the board, not "my tasks").
  const selected = useMemo(() => {
    const keys: string[] = [];
    const collect = (list: MenuProps['items']) =>
      list?.forEach((i) => {
        if (i && 'key' in i && typeof i.key === 'string' && i.key.startsWith('/')) keys.push(i.key);
        if (i && 'children' in i) collect(i.children);
      });
    collect(items);
    return keys.filter((k) => location.pathname === k || location.pathname.startsWith(`${k}/`)).sort((x, y) => y.length - x.length)[0];
  }, [items, location.pathname]);

  // The folds the user has open; the area of the page being shown is always among them.
  const areaOf = useMemo(() => {
    const m = new Map<string, string>();
    items?.forEach((a) => {
      if (a && 'children' in a && a.children) a.children.forEach((i) => i && typeof i.key === 'string' && m.set(i.key, String(a.key)));
    });
    return m;
  }, [items]);
  const currentArea = selected ? areaOf.get(selected) : undefined;
  const [openAreas, setOpenAreas] = useState<string[]>(() => (currentArea ? [currentArea] : []));
  useEffect(() => {
    if (currentArea) setOpenAreas((open) => (open.includes(currentArea) ? open : [...open, currentArea]));
  }, [currentArea]);

  const userMenu: MenuProps = {
    items: [
      { key: 'who', label: `${me.username} · ${t(`roles.${me.role}`)}`, disabled: true },
      { type: 'divider' },
      { key: 'logout', icon: <LogoutOutlined />, label: t('shell.signOut'), danger: true },
    ],
    onClick: ({ key }) => {
      if (key === 'logout') logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) });
    },
  };

  const langMenu: MenuProps = {
    selectable: true,
    selectedKeys: [i18n.language],
    items: [
      { key: 'zh-CN', label: '简体中文' },
      { key: 'en-US', label: 'English' },
    ],
    onClick: ({ key }) => void setLang(key as TLang),
  };

  return (
    // The outer layout is white so the column under the sticky side menu stays white on long pages.
    <Layout style={{ minHeight: '100vh', background: token.colorBgContainer }}>
      <Sider
        theme="light"
        width={216}
        collapsedWidth={64}
        collapsed={collapsed}
        trigger={null}
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <div className="bk-brand" onClick={() => void navigate('/customers')} role="link" aria-label={t('shell.brand')}>
          <span className="bk-brand-mark">保</span>
          {!collapsed && (
            <span className="bk-brand-text">
              {t('shell.brand')}
              <small>{t('shell.tagline')}</small>
            </span>
          )}
        </div>
        <Menu
          mode="inline"
          items={items}
          selectedKeys={selected ? [selected] : []}
          openKeys={collapsed ? undefined : openAreas}
          onOpenChange={setOpenAreas}
          forceSubMenuRender
          onClick={({ key }) => void navigate(key)}
          style={{ borderInlineEnd: 'none' }}
          aria-label={t('shell.mainMenu')}
        />
      </Sider>
      <Layout style={{ borderInlineStart: `1px solid ${token.colorBorderSecondary}`, minWidth: 0 }}>
        <Header className="bk-header" style={{ background: token.colorBgContainer, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          <Button
            type="text"
            icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => setCollapsed(!collapsed)}
            aria-label={collapsed ? t('shell.expandMenu') : t('shell.collapseMenu')}
          />
          <Space size={16} align="center">
            {can('tasks.read') && <OverdueBadge />}
            {groupWide ? (
              <Select
                aria-label={t('shell.storeFilter')}
                value={storeId ?? ''}
                onChange={(v: string) => setStoreId(v || undefined)}
                style={{ width: 220 }}
                prefix={<ShopOutlined />}
                options={[{ value: '', label: t('shell.allStores') }, ...(stores.data ?? []).map((s) => ({ value: s.id, label: s.name }))]}
                loading={stores.isPending}
                popupMatchSelectWidth={false}
              />
            ) : (
              <Space size={6}>
                <ShopOutlined style={{ color: token.colorTextSecondary }} />
                <Typography.Text data-testid="header-store">{storeName(me.storeId)}</Typography.Text>
              </Space>
            )}
            <Dropdown menu={langMenu} trigger={['click']}>
              <Button type="text" icon={<GlobalOutlined />} aria-label={t('shell.language')} data-testid="lang-switch">
                {i18n.language === 'en-US' ? 'English' : '简体中文'} <DownOutlined style={{ fontSize: 10 }} />
              </Button>
            </Dropdown>
            <Dropdown menu={userMenu} trigger={['click']}>
              <Button type="text" data-testid="user-menu" style={{ height: 40 }}>
                <Space size={8}>
                  <Avatar size={28} icon={<UserOutlined />} style={{ background: token.colorPrimary }} />
                  <span style={{ lineHeight: 1.2, textAlign: 'left', display: 'inline-block' }}>
                    <span style={{ display: 'block' }}>{me.displayName}</span>
                    <Tag variant="filled" style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '16px', paddingInline: 4 }}>
                      {t(`roles.${me.role}`)}
                    </Tag>
                  </span>
                  <DownOutlined style={{ fontSize: 10 }} />
                </Space>
              </Button>
            </Dropdown>
          </Space>
        </Header>
        <Content className="bk-content">
          <Suspense fallback={<PageSkeleton />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
