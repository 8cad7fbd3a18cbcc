import { ANY_SLOT, Setting, Status } from "../../../shared/codes";
import { INFO_OWNER, INFO_PAIRING, INFO_PROTECTED } from "../../../shared/messages";
import { OwnerSession } from "../../device/owner";
import { DeviceStatusError, MassagerError } from "../../errors";
import type { App, Connection } from "../app";
import { newOwnerKey, subtleHmac } from "../store/owner-keys";
import { byId } from "./dom";

/*
 * Who may use the massager (shared/messages.ts "Owners"), as `massager pair` / `unpair` / `settings`
 * do it: this browser pairs in the massager's trust window (its button held 5 s: it buzzes), keeps
 * its key in IndexedDB and proves it at once on a new connection; an owner can unpair itself or
 * everyone, and lock the Bluetooth console.
 */
export function mountAccess(app: App): void {
  const said = byId("access-state");
  const out = byId("access-out");
  const pair = byId<HTMLButtonElement>("pair-button");
  const unpair = byId<HTMLButtonElement>("unpair-button");
  const unpairAll = byId<HTMLButtonElement>("unpair-all-button");
  const lock = byId<HTMLInputElement>("lock-console");
  /** While a change of the lock is on its way, the box shows the person's choice, not the last INFO. */
  let changing = false;

  app.on("link", () => {
    const c = app.conn;
    const i = c?.link.info;
    const owner = !!i && !!(i.flags & INFO_OWNER);
    pair.disabled = !c;
    unpair.disabled = unpairAll.disabled = !owner;
    lock.disabled = !c || c.link.ownerRefused;
    if (!changing) lock.checked = !!i && (i.settings & Setting.LockConsole) !== 0;
    if (!c || !i) return void (said.textContent = "Connect to see who may use the massager.");
    const slots = [0, 1, 2, 3].filter((n) => i.owners & (1 << n));
    said.dataset.protected = String(!!(i.flags & INFO_PROTECTED));
    said.dataset.owner = String(owner);
    said.textContent = !(i.flags & INFO_PROTECTED)
      ? "No owners: any phone or computer in range can use this massager. Pair this browser to make it yours."
      : owner
        ? `Only its owners (${slots.join(", ")}) can use it; this browser is owner ${c.link.owner?.owner.slot}.`
        : `This massager obeys only its owners (${slots.join(", ")}); this browser is not one. Hold its button 5 s until it buzzes, then press “Pair” within a minute.` +
          (i.flags & INFO_PAIRING ? " Its pairing window is open now." : "");
  });

  pair.addEventListener("click", () =>
    app.act(pair, out, "Pairing…", async () => {
      const c = app.need();
      const key = newOwnerKey();
      let slot: number;
      try {
        slot = await c.client.pair(key);
      } catch (err) {
        throw pairRefusal(err, c);
      }
      await app.keys.set(c.link.device.id, { slot, key }, c.link.name);
      // prove it on a fresh connection, as every later one will
      c.link.owner = new OwnerSession({ slot, key }, subtleHmac);
      await reconnect(c);
      if (c.link.ownerRefused) throw new MassagerError("the massager took the key but does not accept it; press “Pair” again");
      app.emit("programs");
      return `This browser is owner ${slot}: only owners can start, sync, push or change the massager now. The key stays in this browser (for this address of the page).`;
    }),
  );

  unpair.addEventListener("click", () => app.act(unpair, out, "Unpairing…", () => unpairWith(app, false)));
  unpairAll.addEventListener("click", () => app.act(unpairAll, out, "Unpairing everyone…", () => unpairWith(app, true)));

  lock.addEventListener("change", async () => {
    const locked = lock.checked;
    changing = true;
    await app.act(null, out, "Changing the console lock…", async () => {
      const c = app.owned();
      const flags = c.link.info?.settings ?? 0;
      await c.client.setSettings(locked ? flags | Setting.LockConsole : flags & ~Setting.LockConsole);
      await reconnect(c); // the device applies it from the next connection
      return locked
        ? "The Bluetooth console is locked: flashing needs the button held 5 s first (it opens for a minute)."
        : "The Bluetooth console is open (a massager with owners keeps it locked anyway).";
    }).finally(() => (changing = false));
    app.emit("link");
  });
}

/** A new connection: INFO (and AUTH) again, so the page sees what changed. */
async function reconnect(c: Connection): Promise<void> {
  await c.link.hangUp();
  await c.link.connect();
}

function pairRefusal(err: unknown, c: Connection): unknown {
  if (!(err instanceof DeviceStatusError)) return err;
  if (err.status === Status.Denied)
    return new MassagerError(
      c.link.info && c.link.info.flags & INFO_PAIRING
        ? "the massager refused the key; hold its button for 5 seconds until it buzzes and press “Pair” again"
        : "the massager takes a new owner only in its pairing window: hold its button for 5 seconds until it buzzes, then press “Pair” within a minute",
    );
  if (err.status === Status.NoSpace)
    return new MassagerError("the massager already has 4 owners: unpair one from an owner's browser or computer, then press “Pair”");
  return err;
}

async function unpairWith(app: App, everyone: boolean): Promise<string> {
  const c = app.owned();
  const mine = c.link.owner?.owner;
  if (!mine) throw new MassagerError("this browser holds no key for the massager; only an owner can unpair");
  const left = await c.client.unpair(everyone ? ANY_SLOT : mine.slot);
  await app.keys.remove(c.link.device.id);
  c.link.owner = null;
  await reconnect(c);
  app.emit("programs");
  return left
    ? `This browser is no longer an owner; owners left: ${[0, 1, 2, 3].filter((n) => left & (1 << n)).join(", ")}.`
    : "No owners left: the massager obeys any phone or computer in range again (pair again to protect it).";
}
