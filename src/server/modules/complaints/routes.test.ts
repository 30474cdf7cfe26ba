import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TRole } from "../../platform/rbac.js";
import { SYSTEM_ACTOR } from "../../platform/rbac.js";
import { seedDemoOrg, type SeededOrg } from "../../seed/org.js";
import { createTestEnv, login, type TestEnv } from "../../testing/harness.js";
import {
  describeAccessMatrix,
  type TMatrixUser,
} from "../../testing/matrix.js";
import { seedCustomer } from "../messaging/fixtures.js";

const WORK: TRole[] = [
  "group_admin",
  "store_manager",
  "sales",
  "service",
  "cx",
];
const MANAGE: TRole[] = ["group_admin", "store_manager", "cx"];
const REPORTS: TRole[] = [
  "group_admin",
  "store_manager",
  "cx",
  "service",
  "sales",
];

describe("complaints routes", () => {
  let env: TestEnv;
  let org: SeededOrg;
  let customerId: string;
  beforeAll(async () => {
    env = await createTestEnv();
    org = await seedDemoOrg(env.ctx.db);
    customerId = (
      await seedCustomer(env.ctx.db, org.stores[0]!.id, { name: "投诉客户" })
    ).id;
  });
  afterAll(() => env.close());

  it("answers 401 without a session and 400 for bad input", async () => {
    expect(
      (await env.app.inject({ url: "/api/v1/complaints" })).statusCode,
    ).toBe(401);
    const h = await login(env.app, "cx1");
    const bad = await env.app.inject({
      method: "POST",
      url: "/api/v1/complaints",
      headers: h,
      payload: { customerId, channel: "fax", type: "attitude", title: "" },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.channel", "body.title"]);
  });

  it("runs a complaint through its steps and shows it in the weekly analysis and its export", async () => {
    const h = await login(env.app, "cx1");
    const c = await env.app.inject({
      method: "POST",
      url: "/api/v1/complaints",
      headers: h,
      payload: {
        customerId,
        channel: "hotline",
        type: "fee",
        severity: "urgent",
        title: "保养费用比报价高",
      },
    });
    expect(c.statusCode).toBe(201);
    const id = c.json().id;
    for (const [path, body] of [
      ["acknowledge", { note: "已致电" }],
      ["resolve", { rootCause: "报价未含工时", resolution: "退还差价" }],
      ["feedback", { note: "已告知" }],
      ["revisit", { satisfied: true, score: 5 }],
    ] as const) {
      const r = await env.app.inject({
        method: "POST",
        url: `/api/v1/complaints/${id}/${path}`,
        headers: h,
        payload: body,
      });
      expect(r.statusCode, `${path}: ${r.body}`).toBe(200);
    }
    const d = (
      await env.app.inject({ url: `/api/v1/complaints/${id}`, headers: h })
    ).json();
    expect(d.status).toBe("closed");
    const w = (
      await env.app.inject({ url: "/api/v1/complaints/weekly", headers: h })
    ).json();
    expect(w.totals.received).toBeGreaterThanOrEqual(1);
    expect(
      w.byType.find((x: { type: string }) => x.type === "fee").count,
    ).toBeGreaterThanOrEqual(1);
    expect(
      w.byRootCause.map((x: { rootCause: string }) => x.rootCause),
    ).toContain("报价未含工时");
    expect(
      w.sla.find((x: { stage: string }) => x.stage === "revisit"),
    ).toMatchObject({ onTime: 1, late: 0, compliance: 100 });
    expect(w.trend).toHaveLength(8);
    const x = await env.app.inject({
      url: "/api/v1/complaints/weekly/export",
      headers: h,
    });
    expect(x.statusCode).toBe(200);
    expect(x.headers["content-type"]).toContain("spreadsheetml");
  });
});

interface Ctx {
  env: TestEnv;
  store1: string;
  customerId: string;
  complaintId: string;
  assignee: string;
  fresh(status?: "received" | "resolved" | "feedback_given"): Promise<string>;
}
const storeQ = (c: Ctx, u: TMatrixUser) =>
  u.store === null ? `?storeId=${c.store1}` : "";

describeAccessMatrix<Ctx>("complaints", {
  async setup(env, org) {
    const store1 = org.stores[0]!.id;
    const customerId = (await seedCustomer(env.ctx.db, store1)).id;
    const svc = env.ctx.services.complaints;
    const fresh = async (
      status: "received" | "resolved" | "feedback_given" = "received",
    ) => {
      const c = await svc.create(SYSTEM_ACTOR, {
        customerId,
        channel: "hotline",
        type: "attitude",
        title: "矩阵投诉",
      });
      if (status !== "received")
        await svc.resolve(SYSTEM_ACTOR, c.id, {
          rootCause: "根因",
          resolution: "处理",
        });
      if (status === "feedback_given")
        await svc.feedback(SYSTEM_ACTOR, c.id, "");
      return c.id;
    };
    return {
      env,
      store1,
      customerId,
      assignee: org.staff.get("service1")!.id,
      complaintId: await fresh(),
      fresh,
    };
  },
  rows: [
    {
      method: "GET",
      path: "/complaints",
      allowed: WORK,
      target: "none",
      request: () => ({ url: "/complaints?status=open" }),
    },
    {
      method: "POST",
      path: "/complaints",
      allowed: WORK,
      request: (c) => ({
        url: "/complaints",
        body: {
          customerId: c.customerId,
          channel: "in_store",
          type: "waiting",
          title: "等待太久",
        },
      }),
    },
    {
      method: "GET",
      path: "/complaints/{id}",
      allowed: WORK,
      request: (c) => ({ url: `/complaints/${c.complaintId}` }),
    },
    {
      method: "POST",
      path: "/complaints/{id}/acknowledge",
      allowed: WORK,
      request: async (c) => ({
        url: `/complaints/${await c.fresh()}/acknowledge`,
        body: {},
      }),
    },
    {
      method: "POST",
      path: "/complaints/{id}/assign",
      allowed: WORK,
      request: (c) => ({
        url: `/complaints/${c.complaintId}/assign`,
        body: { staffId: c.assignee },
      }),
    },
    {
      method: "POST",
      path: "/complaints/{id}/notes",
      allowed: WORK,
      request: (c) => ({
        url: `/complaints/${c.complaintId}/notes`,
        body: { note: "备注" },
      }),
    },
    {
      method: "POST",
      path: "/complaints/{id}/pause",
      allowed: WORK,
      request: async (c) => ({
        url: `/complaints/${await c.fresh()}/pause`,
        body: {},
      }),
    },
    {
      method: "POST",
      path: "/complaints/{id}/resume",
      allowed: WORK,
      request: async (c) => {
        const id = await c.fresh();
        await c.env.ctx.services.complaints.pause(SYSTEM_ACTOR, id, "");
        return { url: `/complaints/${id}/resume`, body: {} };
      },
    },
    {
      method: "POST",
      path: "/complaints/{id}/resolve",
      allowed: WORK,
      request: async (c) => ({
        url: `/complaints/${await c.fresh()}/resolve`,
        body: { rootCause: "沟通不足", resolution: "致歉" },
      }),
    },
    {
      method: "POST",
      path: "/complaints/{id}/feedback",
      allowed: WORK,
      request: async (c) => ({
        url: `/complaints/${await c.fresh("resolved")}/feedback`,
        body: {},
      }),
    },
    {
      method: "POST",
      path: "/complaints/{id}/revisit",
      allowed: WORK,
      request: async (c) => ({
        url: `/complaints/${await c.fresh("feedback_given")}/revisit`,
        body: { satisfied: true },
      }),
    },
    {
      method: "POST",
      path: "/complaints/{id}/reopen",
      allowed: WORK,
      request: async (c) => ({
        url: `/complaints/${await c.fresh("resolved")}/reopen`,
        body: { reason: "问题复发" },
      }),
    },
    {
      method: "POST",
      path: "/complaints/{id}/compensations",
      allowed: WORK,
      request: (c) => ({
        url: `/complaints/${c.complaintId}/compensations`,
        body: { kind: "points", amount: 500 },
      }),
    },
    {
      method: "GET",
      path: "/complaint-settings",
      allowed: WORK,
      target: "none",
      request: (c, u) => ({ url: `/complaint-settings${storeQ(c, u)}` }),
    },
    {
      method: "PUT",
      path: "/complaint-settings",
      allowed: MANAGE,
      target: "none",
      request: (c, u) => ({
        url: `/complaint-settings${storeQ(c, u)}`,
        body: {
          acknowledgeMinutes: 60,
          resolveUrgentMinutes: 240,
          resolveNormalMinutes: 1440,
          feedbackMinutes: 1440,
          revisitMinutes: 10080,
          warnPercent: 80,
          escalateCxAfterMinutes: 120,
          businessHours: null,
        },
      }),
    },
    {
      method: "GET",
      path: "/complaint-routing",
      allowed: WORK,
      target: "none",
      request: (c, u) => ({ url: `/complaint-routing${storeQ(c, u)}` }),
    },
    {
      method: "PUT",
      path: "/complaint-routing",
      allowed: MANAGE,
      target: "none",
      request: (c, u) => ({
        url: `/complaint-routing${storeQ(c, u)}`,
        body: { rules: [{ type: "fee", role: "store_manager" }] },
      }),
    },
    {
      method: "GET",
      path: "/complaints/weekly",
      allowed: REPORTS,
      target: "none",
      request: () => ({ url: "/complaints/weekly" }),
    },
    {
      method: "GET",
      path: "/complaints/weekly/export",
      allowed: REPORTS,
      target: "none",
      request: () => ({ url: "/complaints/weekly/export" }),
    },
  ],
});
