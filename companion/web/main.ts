import { App, inPage } from "./app";
import { webBluetooth } from "./bluetooth/api";
import { BrowserHistory } from "./store/history";
import { openDatabase } from "./store/idb";
import { BrowserOwnerKeys } from "./store/owner-keys";
import { mountAccess } from "./ui/access";
import { mountControl } from "./ui/control";
import { mountData } from "./ui/data";
import { mountDevice } from "./ui/device";
import { byId } from "./ui/dom";
import { mountEditor } from "./ui/editor";
import { mountReport } from "./ui/report";
import { mountSessions } from "./ui/sessions";

/*
 * The massager page (`massager web`): the CLI's engines — device client, sync, upload, owner
 * sessions, report, exports, the shared validator — over Web Bluetooth and IndexedDB.
 */
async function start(): Promise<void> {
  const notice = byId("notice");
  if (!webBluetooth()) {
    notice.hidden = false;
    notice.textContent = window.isSecureContext
      ? "This browser cannot use Bluetooth from a page: open this address in Chrome or Edge, on a computer or an Android phone. The history, report and exports work here too."
      : "Bluetooth needs a secure page: open it as http://localhost (as `massager web` prints it) or over https.";
  }
  let db: IDBDatabase;
  try {
    db = await openDatabase();
  } catch (err) {
    notice.hidden = false;
    notice.textContent = inPage((err as Error).message);
    return;
  }
  const app = new App(new BrowserHistory(db), new BrowserOwnerKeys(db));
  for (const mount of [mountDevice, mountSessions, mountReport, mountEditor, mountControl, mountAccess, mountData]) mount(app);
  app.emit("link");
  app.emit("history");
  document.body.dataset.ready = "true";
}

void start();
