// End-to-end: open the release build in headless Chromium, run `kubectl run nginx`,
// see the nginx chip Running on a worker's card, save a screenshot, and fail on any
// console error. Run with `node --test tests/e2e/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const root = path.resolve(process.env.DIST_DIR || 'dist');
const shots = path.resolve('target/e2e');

async function open() {
  const server = await serve(root);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // Playwright runs headless with a fresh, empty profile of its own.
    timeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return { server, browser, page, errors, url };
}

async function run(page, line) {
  await page.fill('#prompt', line);
  await page.press('#prompt', 'Enter');
}

test('kubectl run nginx ends Running on a worker in the map', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    const start = Date.now();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"] #prompt');
    const readyMs = Date.now() - start;
    console.log(`page open to ready prompt: ${readyMs} ms`);
    fs.writeFileSync(path.join(shots, 'ready-ms.txt'), `${readyMs}\n`);
    await run(page, 'kubectl run nginx --image=nginx');
    await page.waitForSelector('text=pod/nginx created');
    const chip = page.locator('g.node:not([data-node="controlplane"]) g.chip[data-pod="default/nginx"][data-status="Running"]');
    await chip.waitFor({ timeout: 30000 });
    await run(page, 'kubectl get pods -o wide');
    await page.waitForSelector('text=NOMINATED NODE');
    await page.screenshot({ path: path.join(shots, 'playground.png') });
    const text = await page.locator('.screen').innerText();
    assert.match(text, /nginx\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.[12]\.\d+\s+node0[12]/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('a reload continues the saved session', async () => {
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"] #prompt');
    await run(page, 'kubectl create namespace saved');
    await page.waitForSelector('text=namespace/saved created');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"] #prompt');
    await run(page, 'kubectl get ns saved');
    await page.waitForSelector('text=Active');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('the manifest panel points at mistakes; failing and pending pods show on the map', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await page.click('button.reset');
    const typo = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: typo\n    imagee: nginx\n';
    await page.fill('.yaml-panel textarea', typo);
    await page.click('button.apply');
    const status = await page.locator('.yaml-status.error').innerText();
    assert.equal(status, 'line 8, column 5: unknown field "spec.containers[0].imagee"');
    const big = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: big\n    image: nginx\n    resources:\n      requests:\n        cpu: "3"\n';
    await page.fill('.yaml-panel textarea', big);
    await page.click('button.apply');
    assert.equal(await page.locator('.yaml-status.ok').innerText(), 'pod/big created');
    await page.locator('g.pending g.chip[data-pod="default/big"]').waitFor();
    await run(page, 'kubectl run bad --image=nginx:9.99');
    await page.click('button.speed >> text=10x');
    await page.locator('g.chip.failing[data-pod="default/bad"]').waitFor({ timeout: 30000 });
    await run(page, 'kubectl describe pod big | tail -3');
    await page.waitForSelector('text=FailedScheduling');
    await page.screenshot({ path: path.join(shots, 'failures.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('a ValidatingAdmissionPolicy denies with its CEL rule, and kubectl explain reads the OpenAPI schemas (both from the module loaded after the prompt)', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    const start = Date.now();
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    const startedMs = Date.now() - start;
    console.log(`page open to commands running (engine module loaded): ${startedMs} ms`);
    fs.writeFileSync(path.join(shots, 'started-ms.txt'), `${startedMs}\n`);
    const policy = [
      'apiVersion: admissionregistration.k8s.io/v1', 'kind: ValidatingAdmissionPolicy',
      'metadata:', '  name: pinned-images', 'spec:', '  matchConstraints:', '    resourceRules:',
      '    - apiGroups: [""]', '      apiVersions: ["v1"]', '      operations: ["CREATE"]', '      resources: ["pods"]',
      '  validations:', '  - expression: "object.spec.containers.all(c, !c.image.endsWith(\':latest\'))"',
      '    message: images must be pinned to a version', '---',
      'apiVersion: admissionregistration.k8s.io/v1', 'kind: ValidatingAdmissionPolicyBinding',
      'metadata:', '  name: pinned-images', 'spec:', '  policyName: pinned-images', '  validationActions: [Deny]', '',
    ].join('\n');
    await page.fill('.yaml-panel textarea', policy);
    await page.click('button.apply');
    await page.waitForSelector('text=validatingadmissionpolicybinding.admissionregistration.k8s.io/pinned-images created');
    await run(page, 'kubectl run latest --image=nginx:latest');
    await page.waitForSelector('text=denied request: images must be pinned to a version');
    await run(page, 'kubectl run pinned --image=nginx:1.27');
    await page.waitForSelector('text=pod/pinned created');
    await run(page, 'kubectl explain deployment.spec.strategy');
    await page.waitForSelector('text=FIELD: strategy <DeploymentStrategy>');
    await page.screenshot({ path: path.join(shots, 'policy.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('bash one-liners with the text utilities and kubectl help from the module loaded after the prompt', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, "k get nodes -o name | sed 's|node/||' | awk '{print toupper($1)}' | sort -r | head -1");
    await page.waitForSelector('text=NODE02');
    await run(page, 'for n in $(k get nodes -o name); do echo "have ${n#node/}"; done');
    await page.waitForSelector('text=have node01');
    await run(page, 'kubectl taint --help | grep "kubectl taint NODE"');
    await page.waitForSelector('text=KEY_1=VAL_1:TAINT_EFFECT_1');
    await run(page, 'printf "%s=%d\\n" replicas $((2+1)) | tee r.txt | cut -d= -f2; cat r.txt');
    await page.waitForSelector('text=replicas=3');
    // The API's Go types and the TLS key pair check come from that module too.
    await run(page, "kubectl cluster-info dump --namespaces default -o jsonpath='{.kind} '");
    // Output that does not end its line goes on on the same line, as in a terminal.
    await page.waitForFunction(() => document.querySelector('.screen').innerText.includes('NodeList EventList ReplicationControllerList ServiceList DaemonSetList'), null, { timeout: 10000 });
    await run(page, "printf '%s\\n' '-----BEGIN CERTIFICATE-----' 'MIIBhzCCAS2gAwIBAgIUNqPUf1TUcfHFeKud93FSEWcv6c0wCgYIKoZIzj0EAwIw' 'GTEXMBUGA1UEAwwOZWMuZXhhbXBsZS5jb20wHhcNMjYxMjA1MTUzOTQ2WhcNMzYx' 'MjAyMTUzOTQ2WjAZMRcwFQYDVQQDDA5lYy5leGFtcGxlLmNvbTBZMBMGByqGSM49' 'AgEGCCqGSM49AwEHA0IABOvEodYh+px8cs/uiVrCLOdu2K4Zkl8KTihqhuZ611sq' 'Lylglt1EIz9xIFuOkG/HcVwfD4NtwVi+fxbba19A0uejUzBRMB0GA1UdDgQWBBRb' 'WlT1VVQWsex4WsAyhXsYlSULjzAfBgNVHSMEGDAWgBRbWlT1VVQWsex4WsAyhXsY' 'lSULjzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCiRX6qujTP' 's3ltQOINpnZBj/whlpCgACAKjiZ8pS6tyQIgXKKylEXkqiO5AUCZRSac5XrHiAqW' 'GK7plSws1Ck53G0=' '-----END CERTIFICATE-----' > ec.crt; printf '%s\\n' '-----BEGIN EC PRIVATE KEY-----' 'MHcCAQEEIPLyToVQnnFDwfYiAxk7HM6s60bS0mhKS9+nea3Kq8JboAoGCCqGSM49' 'AwEHoUQDQgAE68Sh1iH6nHxyz+6JWsIs527YrhmSXwpOKGqG5nrXWyovKWCW3UQj' 'P3EgW46Qb8dxXB8Pg23BWL5/FttrX0DS5w==' '-----END EC PRIVATE KEY-----' > ec.key" );
    await run(page, 'kubectl create secret tls site --cert=ec.crt --key=ec.key && kubectl create secret tls bad --cert=ec.key --key=ec.crt');
    await page.waitForSelector('text=secret/site created');
    await page.waitForSelector('text=PEM inputs may have been switched');
    await page.screenshot({ path: path.join(shots, 'shell.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('kubectl get -w streams rows until Ctrl-C; kubectl edit opens the YAML panel and saves through it', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubectl run web --image=nginx');
    await page.waitForSelector('text=pod/web created');
    await run(page, 'kubectl get pods -w');
    // The watch prints a row when the pod starts running, with no prompt meanwhile.
    await page.waitForFunction(() => /web\s+1\/1\s+Running/.test(document.querySelector('.screen').innerText), null, { timeout: 30000 });
    assert.equal(await page.locator('.prompt').innerText(), '');
    await page.screenshot({ path: path.join(shots, 'watch.png') });
    await page.press('#prompt', 'Control+c');
    await page.waitForFunction(() => document.querySelector('.prompt').innerText.includes('$'));
    await run(page, 'kubectl create configmap cfg --from-literal=mode=fast');
    await page.waitForSelector('text=configmap/cfg created');
    await run(page, 'kubectl edit cm cfg');
    await page.waitForSelector('.yaml-panel.editing textarea');
    const text = await page.inputValue('.yaml-panel.editing textarea');
    assert.match(text, /# Please edit the object below/);
    await page.fill('.yaml-panel.editing textarea', text.replace('mode: fast', 'mode: slow'));
    await page.screenshot({ path: path.join(shots, 'edit.png') });
    await page.click('.yaml-panel.editing button.apply');
    await page.waitForSelector('text=configmap/cfg edited');
    await page.waitForSelector('.yaml-panel:not(.editing)');
    await run(page, "kubectl get cm cfg -o jsonpath='{.data.mode}{\"\\n\"}'");
    await page.waitForSelector('text=slow');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('the editor: vi pod.yaml with vi keys, a mistake marked at its line as it is typed, completion and documentation from the schema, :wq saves, then dry run, diff and apply', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubectl run web --image=nginx --dry-run=client -o yaml > pod.yaml');
    await run(page, 'vi pod.yaml');
    const area = page.locator('.yaml-panel.editing .code-text textarea');
    await area.waitFor();
    await area.focus();
    // vi starts in Normal mode: / finds, i inserts, and the mistake is marked as typed.
    await page.keyboard.type('/image:');
    await page.keyboard.press('Enter');
    await page.keyboard.press('i');
    await page.keyboard.type('x');
    await page.locator('.gutter .problem').waitFor();
    assert.equal(await page.locator('.gutter .problem').innerText(), '9');
    assert.equal(await page.locator('.problems').innerText(), 'Line 9, column 5 unknown field "spec.containers[0].ximage"');
    assert.equal(await page.locator('.code-status .vi-line').innerText(), '-- INSERT --');
    await page.screenshot({ path: path.join(shots, 'editor-problem.png') });
    // Esc steps back onto the x, and x deletes it: the problem goes.
    await page.keyboard.press('Escape');
    await page.keyboard.press('x');
    await page.locator('.problems').waitFor({ state: 'detached' });
    // o opens a line in the container; what the schema allows there is offered.
    await page.keyboard.type('/name: web');
    await page.keyboard.press('Enter');
    await page.keyboard.press('o');
    await page.keyboard.type('imagePu');
    await page.locator('.completion li.selected >> text=imagePullPolicy').waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type('IfN');
    await page.locator('.completion li.selected >> text=IfNotPresent').waitFor();
    await page.screenshot({ path: path.join(shots, 'editor-completion.png') });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    const saved = await area.inputValue();
    assert.match(saved, /\n    imagePullPolicy: IfNotPresent\n/);
    // The mouse resting on a key shows its documentation.
    const lines = saved.split('\n');
    const at = lines.findIndex((l) => l.includes('imagePullPolicy'));
    const box = await page.locator('.code-text').boundingBox();
    const ch = (await page.locator('.ruler').boundingBox()).width / 10;
    await page.mouse.move(box.x + 8 + ch * 7, box.y + 8 + 18 * at + 9);
    await page.locator('.field-doc.hover >> text=Image pull policy.').waitFor();
    await page.screenshot({ path: path.join(shots, 'editor-docs.png') });
    // :q refuses to lose the change; :wq writes the file.
    await page.keyboard.type(':q');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.code-status .vi-line').innerText(), 'E37: No write since last change (add ! to override)');
    await page.keyboard.type(':wq');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.yaml-panel:not(.editing)');
    await run(page, 'grep -c "imagePullPolicy: IfNotPresent" pod.yaml');
    await page.waitForFunction(() => /grep -c .*\n1\n/.test(document.querySelector('.screen').innerText));
    // The manifest panel: a dry run and a diff change nothing; apply creates.
    await page.click('button.try >> text=Dry run');
    await page.waitForSelector('text=pod/web created (server dry run)');
    await run(page, 'kubectl apply -f pod.yaml');
    await page.waitForSelector('text=pod/web created');
    await page.fill('.yaml-panel .code-text textarea', saved.replace('image: nginx\n', 'image: nginx:1.27\n'));
    await page.click('button.try >> text=Diff');
    await page.waitForFunction(() => /\n\+\s+- image: nginx:1\.27\n/.test(document.querySelector('.screen').innerText));
    await page.screenshot({ path: path.join(shots, 'editor-diff.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('ssh to node01: its prompt, a static pod from its manifests directory, its kubelet under systemctl, and crictl on the control plane', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'ssh node01');
    await page.waitForFunction(() => document.querySelector('.prompt').innerText === 'node01:~$ ');
    await run(page, "printf 'apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: static-web\\nspec:\\n  containers:\\n  - name: web\\n    image: nginx:1.27\\n' > /etc/kubernetes/manifests/static-web.yaml");
    await run(page, 'systemctl status kubelet | head -5');
    await page.waitForSelector('text=active (running)');
    await run(page, 'exit');
    await page.waitForSelector('text=Connection to node01 closed.');
    await page.waitForFunction(() => document.querySelector('.prompt').innerText === 'controlplane:~$ ');
    await run(page, 'kubectl get pods -o wide');
    await page.waitForSelector('text=static-web-node01');
    // crictl runs in the module loaded after the first paint, on the node's runtime.
    await run(page, 'crictl ps --name kube-apiserver');
    await page.waitForSelector('text=kube-apiserver-controlplane');
    await page.screenshot({ path: path.join(shots, 'node-shell.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('kubectl top from metrics-server, describe from the module loaded after the prompt, and a shell attached to a container', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubectl top node');
    await page.waitForSelector('text=MEMORY(%)');
    await run(page, 'kubectl run box --image=busybox:1.36 -- sleep 3600');
    await page.waitForSelector('text=pod/box created');
    await page.locator('g.chip[data-pod="default/box"][data-status="Running"]').waitFor({ timeout: 30000 });
    await run(page, 'kubectl describe pod box | grep -E "^(Status|QoS Class)"');
    await page.waitForSelector('text=BestEffort');
    await run(page, 'kubectl exec -it box -- sh');
    await page.waitForFunction(() => document.querySelector('.prompt').innerText === '/ # ');
    await run(page, 'echo inside $(hostname)');
    await page.waitForSelector('text=inside box');
    await run(page, 'exit');
    await page.waitForFunction(() => document.querySelector('.prompt').innerText === 'controlplane:~$ ');
    await run(page, 'kubectl top pod -A --sort-by=memory | head -4');
    await page.waitForSelector('text=kube-apiserver-controlplane');
    await page.screenshot({ path: path.join(shots, 'top-and-exec.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('vi opens a node file in the editor panel and saving writes it; a powered-off worker turns NotReady on the map and a new one joins', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'vi /etc/kubernetes/manifests/kube-scheduler.yaml');
    await page.waitForSelector('.yaml-panel.editing textarea');
    const text = await page.inputValue('.yaml-panel.editing textarea');
    assert.match(text, /- kube-scheduler/);
    assert.equal(await page.locator('.yaml-panel.editing .yaml-file').innerText(), '/etc/kubernetes/manifests/kube-scheduler.yaml · on controlplane · Save or :wq writes it · Cancel, :q! or Ctrl-C in the terminal leaves it unsaved');
    await page.fill('.yaml-panel.editing textarea', text.replace('- --leader-elect=true', '- --leader-elect=true\n    - --v=2'));
    await page.screenshot({ path: path.join(shots, 'vi.png') });
    await page.click('.yaml-panel.editing button.apply');
    await page.waitForSelector('.yaml-panel:not(.editing)');
    await run(page, 'grep -c -- --v=2 /etc/kubernetes/manifests/kube-scheduler.yaml');
    await page.waitForFunction(() => /\n1\n/.test(document.querySelector('.screen').innerText));
    await run(page, 'ssh node01 poweroff');
    await page.waitForSelector('text=Connection to node01 closed by remote host.');
    await run(page, 'kubarium node add');
    await page.waitForSelector('text=node03 joined the cluster');
    await run(page, 'sleep 60');
    await page.locator('g.node.notready[data-node="node01"]').waitFor({ timeout: 30000 });
    await page.locator('g.node.ready[data-node="node03"]').waitFor({ timeout: 30000 });
    await run(page, 'kubectl get nodes');
    await page.waitForSelector('text=NotReady');
    await page.screenshot({ path: path.join(shots, 'machines.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('kubectl run -it --rm gives the terminal to the container\'s shell; kubectl debug node/NAME attaches with the node\'s files at /host, and chroot /host is a shell on the node; ps on the node', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  const prompt = (p) => page.waitForFunction((p) => document.querySelector('.prompt').innerText === p, p, { timeout: 30000 });
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubectl run tmp --rm -it --image=busybox:1.36 -- sh');
    await prompt('/ # ');
    await run(page, 'echo shell in $(hostname)');
    await page.waitForSelector('text=shell in tmp');
    await run(page, 'exit');
    await page.waitForSelector('text=pod "tmp" deleted from default namespace');
    await prompt('controlplane:~$ ');
    await run(page, 'kubectl debug node/node01 -it --image=busybox:1.36 --profile=general');
    await page.waitForSelector('text=Creating debugging pod node-debugger-node01-');
    await prompt('/ # ');
    await run(page, 'ls /host/var/lib/kubelet');
    await page.waitForSelector('text=config.yaml');
    await run(page, 'chroot /host');
    await prompt('# ');
    await run(page, 'systemctl status kubelet --no-pager | head -5');
    await page.waitForSelector('text=Active: active (running)');
    await page.screenshot({ path: path.join(shots, 'debug.png') });
    await run(page, 'exit');
    await prompt('/ # ');
    await run(page, 'exit');
    await prompt('controlplane:~$ ');
    await run(page, 'ps aux | grep kubelet | grep -v grep | head -1');
    await page.waitForSelector('text=kubelet --bootstrap-kubeconfig=');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('a Deployment rolls out in the browser: kubectl rollout status prints each wave, set image replaces the pods on the map, undo goes back', async () => {
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"] #prompt');
    await run(page, 'kubectl create deployment web --image=nginx:1.27 --replicas=4');
    await page.waitForSelector('text=deployment.apps/web created');
    await run(page, 'kubectl rollout status deployment/web');
    await page.waitForSelector('text=deployment "web" successfully rolled out');
    await run(page, 'kubectl set image deployment/web nginx=nginx:1.28');
    await page.waitForSelector('text=deployment.apps/web image updated');
    await run(page, 'kubectl get rs,pods');
    await page.waitForSelector('text=replicaset.apps/web-');
    await page.screenshot({ path: path.join(shots, 'rollout.png') });
    let text = await page.locator('.screen').innerText();
    // Mid-rollout: the old ReplicaSet scaled down by one, the new one up by two (25%/25%).
    assert.match(text, /replicaset\.apps\/web-\w+\s+3\s+3\s+3/);
    assert.match(text, /replicaset\.apps\/web-\w+\s+2\s+2\s+0/);
    await run(page, 'kubectl rollout status deployment/web');
    await page.waitForSelector('text=1 old replicas are pending termination');
    await run(page, 'kubectl rollout undo deployment/web');
    await page.waitForSelector('text=deployment.apps/web rolled back');
    await run(page, 'kubectl rollout history deployment/web');
    await page.waitForSelector('text=CHANGE-CAUSE');
    text = await page.locator('.screen').innerText();
    assert.match(text, /REVISION\s+CHANGE-CAUSE\s+2\s+<none>\s+3\s+<none>/);
    assert.equal(await page.locator('g.chip[data-pod^="default/web-"]').count() >= 4, true);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('a Job runs to completion in the browser (its decisions come from the tools module), a CronJob is scheduled, kubectl config reads the kubeconfig', async () => {
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"] #prompt');
    await run(page, 'kubectl create job hello --image=busybox:1.36 -- sh -c "echo hello from the job"');
    await page.waitForSelector('text=job.batch/hello created');
    await run(page, 'kubectl wait --for=condition=complete job/hello --timeout=60s');
    await page.waitForSelector('text=job.batch/hello condition met');
    await run(page, 'kubectl logs job/hello');
    await page.waitForSelector('text=hello from the job');
    await run(page, 'kubectl create cronjob tick --image=busybox:1.36 --schedule="*/5 * * * *" -- date');
    await page.waitForSelector('text=cronjob.batch/tick created');
    await run(page, 'kubectl get jobs,cronjobs');
    await page.waitForSelector('text=cronjob.batch/tick');
    await run(page, 'kubectl config get-contexts');
    await page.waitForSelector('text=kubernetes-admin@kubernetes');
    await page.screenshot({ path: path.join(shots, 'jobs.png') });
    const text = await page.locator('.screen').innerText();
    assert.match(text, /job\.batch\/hello\s+Complete\s+1\/1/);
    assert.match(text, /cronjob\.batch\/tick\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0/);
    assert.match(text, /\*\s+kubernetes-admin@kubernetes\s+kubernetes\s+kubernetes-admin/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('a DaemonSet puts a pod on each worker in the browser (its decisions come from the tools module) and rolls them out a node at a time', async () => {
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"] #prompt');
    await run(page, `echo '{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"agent","image":"nginx:1.27"}]}}}}' | kubectl apply -f -`);
    await page.waitForSelector('text=daemonset.apps/agent created');
    await run(page, 'kubectl rollout status ds/agent');
    await page.waitForSelector('text=daemon set "agent" successfully rolled out');
    await run(page, 'kubectl set image ds/agent agent=nginx:1.28');
    await run(page, 'kubectl rollout status ds/agent');
    await page.waitForSelector('text=1 out of 2 new pods have been updated');
    await page.waitForSelector('text=daemon set "agent" successfully rolled out >> nth=1');
    await run(page, 'kubectl get ds -A -o wide');
    await page.waitForSelector('text=kube-proxy');
    await page.waitForSelector('g.node[data-node="node01"] g.chip[data-pod^="default/agent-"]');
    await page.waitForSelector('g.node[data-node="node02"] g.chip[data-pod^="default/agent-"]');
    await page.screenshot({ path: path.join(shots, 'daemonset.png') });
    const text = await page.locator('.screen').innerText();
    assert.match(text, /default\s+agent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\S+\s+agent\s+nginx:1\.28\s+app=agent/);
    assert.match(text, /kube-system\s+kube-proxy\s+3\s+3\s+3\s+3\s+3\s+kubernetes\.io\/os=linux/);
    assert.equal(await page.locator('g.chip[data-pod^="default/agent-"]').count(), 2);
    assert.equal(await page.locator('g.node[data-node="controlplane"] g.chip[data-pod^="default/agent-"]').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('autoscaling in the browser: the HPA walkthrough scales php-apache under load on the map; the Vertical Pod Autoscaler installs from its manifests and recommends', async () => {
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"] #prompt');
    await run(page, 'kubectl apply -f https://k8s.io/examples/application/php-apache.yaml');
    await page.waitForSelector('text=service/php-apache created');
    await run(page, 'kubectl autoscale deployment php-apache --cpu=50% --min=1 --max=10');
    await page.waitForSelector('text=horizontalpodautoscaler.autoscaling/php-apache autoscaled');
    await run(page, 'kubectl run load-generator --image=busybox:1.28 --restart=Never -- /bin/sh -c "while sleep 0.01; do wget -q -O- http://php-apache; done"');
    await page.waitForSelector('text=pod/load-generator created');
    await run(page, 'sleep 90; kubectl get hpa');
    await page.waitForFunction(() => /php-apache\s+Deployment\/php-apache\s+cpu: \d+%\/50%\s+1\s+10\s+[4-9]\s/.test(document.querySelector('.screen').innerText), null, { timeout: 60000 });
    await page.waitForFunction(() => document.querySelectorAll('g.chip[data-pod^="default/php-apache-"][data-status="Running"]').length >= 4, null, { timeout: 30000 });
    await page.screenshot({ path: path.join(shots, 'autoscaling-hpa.png') });
    const B = 'https://raw.githubusercontent.com/kubernetes/autoscaler/vpa-release-1.7/vertical-pod-autoscaler/deploy';
    await run(page, 'kubectl create secret generic vpa-tls-certs -n kube-system --from-literal=caCert.pem=ca --from-literal=serverCert.pem=cert --from-literal=serverKey.pem=key');
    await page.waitForSelector('text=secret/vpa-tls-certs created');
    for (const f of ['vpa-v1-crd-gen', 'vpa-rbac', 'recommender-deployment', 'updater-deployment', 'admission-controller-deployment', 'admission-controller-service']) {
      await run(page, `kubectl apply -f ${B}/${f}.yaml > /dev/null && echo applied ${f}`);
      await page.waitForSelector(`text=applied ${f}`);
    }
    await run(page, `echo '{"apiVersion":"autoscaling.k8s.io/v1","kind":"VerticalPodAutoscaler","metadata":{"name":"php-apache"},"spec":{"targetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"php-apache"},"updatePolicy":{"updateMode":"Off"}}}' | kubectl apply -f -`);
    await page.waitForSelector('text=verticalpodautoscaler.autoscaling.k8s.io/php-apache created');
    await run(page, 'sleep 150; kubectl get vpa');
    await page.waitForFunction(() => /php-apache\s+Off\s+\d+m\s+250Mi\s+True/.test(document.querySelector('.screen').innerText), null, { timeout: 60000 });
    await page.waitForSelector('g.node g.chip[data-pod^="kube-system/vpa-recommender-"][data-status="Running"]');
    await page.screenshot({ path: path.join(shots, 'autoscaling-vpa.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('the prompt edits as bash: Ctrl-R finds a command, Ctrl-A/E/W/K/U/Y and Alt-B/F edit it, a pasted heredoc runs line by line, history and the favicon survive a reload', async () => {
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubectl get pods -n kube-system');
    await page.waitForSelector('text=etcd-controlplane');
    await run(page, 'clear');
    // Ctrl-R: the prompt becomes the search, the line the newest match.
    await page.press('#prompt', 'Control+r');
    await page.keyboard.type('kube-sys');
    await page.waitForSelector('.prompt:has-text("(reverse-i-search)`kube-sys\': ")');
    assert.equal(await page.inputValue('#prompt'), 'kubectl get pods -n kube-system');
    await page.screenshot({ path: path.join(shots, 'reverse-search.png') });
    // Escape leaves it in the line to edit: Ctrl-W kills the namespace, Ctrl-Y puts it back.
    await page.press('#prompt', 'Escape');
    assert.equal((await page.locator('.prompt').innerText()).trim(), 'controlplane:~$');
    await page.press('#prompt', 'Control+e');
    await page.press('#prompt', 'Control+w');
    assert.equal(await page.inputValue('#prompt'), 'kubectl get pods -n ');
    await page.keyboard.type('default ');
    await page.press('#prompt', 'Control+y');
    assert.equal(await page.inputValue('#prompt'), 'kubectl get pods -n default kube-system');
    // Alt-B twice lands on "default"; Ctrl-K kills to the end; Ctrl-A and Ctrl-U kill nothing before.
    await page.press('#prompt', 'Alt+b');
    await page.press('#prompt', 'Alt+b');
    await page.press('#prompt', 'Alt+b');
    await page.press('#prompt', 'Alt+f');
    await page.press('#prompt', 'Control+k');
    assert.equal(await page.inputValue('#prompt'), 'kubectl get pods -n default');
    await page.press('#prompt', 'Enter');
    await page.waitForSelector('text=No resources found in default namespace.');
    // A paste of several lines runs each, a heredoc included.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text', 'cat <<EOF > pasted.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pasted\nspec:\n  containers:\n  - name: web\n    image: nginx\nEOF\nkubectl apply -f pasted.yaml\nkubectl get pod pas');
      document.querySelector('#prompt').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await page.waitForSelector('text=pod/pasted created');
    // The last line, without its newline, waits at the prompt.
    assert.equal(await page.inputValue('#prompt'), 'kubectl get pod pas');
    // History survives a reload; the icon and the manifest are served.
    await page.reload();
    await page.waitForSelector('body[data-started="true"] #prompt');
    await page.press('#prompt', 'ArrowUp');
    assert.equal(await page.inputValue('#prompt'), 'kubectl apply -f pasted.yaml');
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel=manifest]').href;
      const icon = await fetch(document.querySelector('link[rel=icon]').href);
      return { name: (await (await fetch(link)).json()).short_name, icon: icon.headers.get('content-type') };
    });
    assert.deepEqual(manifest, { name: 'Kubarium', icon: 'image/svg+xml' });
    // Tab as readline does it: the common part first, the list on a Tab after one that
    // changed nothing.
    await page.fill('#prompt', 'kubectl get no');
    await page.press('#prompt', 'Tab');
    await page.waitForFunction(() => document.querySelector('#prompt').value === 'kubectl get node');
    await page.press('#prompt', 'Tab');
    await page.waitForTimeout(200);
    assert.ok(!(await page.locator('.screen').innerText()).includes('node  nodes'));
    await page.press('#prompt', 'Tab');
    await page.waitForSelector('text=node  nodes');
    assert.equal(await page.inputValue('#prompt'), 'kubectl get node');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('the layout: dark and light themes kept across reloads, panels resized and collapsed, the clock stepped and skipped, 1280x720 and a tablet', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const server = await serve(root);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    // A system that prefers dark gets the dark theme; 1280x720 fits without scrolling.
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    await run(page, 'kubectl create deployment web --image=nginx --replicas=3');
    await page.locator('g.chip[data-status="Running"][data-pod^="default/web-"]').nth(2).waitFor({ timeout: 30000 });
    const overflow = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    assert.deepEqual(overflow, [1280, 720], 'nothing overflows the window');
    await page.screenshot({ path: path.join(shots, 'layout-1280-dark.png') });
    // The clock: paused, a step moves it one second, the skips 30 s and 5 min.
    await page.click('button.play');
    const clock = async () => {
      const [h, m, s] = (await page.locator('.clock').innerText()).split(':').map(Number);
      return h * 3600 + m * 60 + s;
    };
    const t0 = await clock();
    await page.click('button.step');
    assert.equal(await clock(), t0 + 1);
    await page.click('button.skip >> text=+30s');
    await page.click('button.skip >> text=+5m');
    assert.equal(await clock(), t0 + 331);
    // The splitter: dragged to 40% of the width, and kept.
    const bar = await page.locator('.splitter.vertical').boundingBox();
    await page.mouse.move(bar.x + 3, bar.y + 200);
    await page.mouse.down();
    await page.mouse.move(512, bar.y + 220, { steps: 4 });
    await page.mouse.up();
    const width = async () => (await page.locator('section.terminal').boundingBox()).width;
    assert.ok(Math.abs(await width() - 512) < 8, `terminal ${await width()} px wide`);
    // The light theme, and panels collapsed, kept across a reload.
    await page.click('button.theme');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    await page.click('button.toggle >> text=Editor');
    assert.equal(await page.locator('.yaml-panel').count(), 0);
    await page.reload();
    await page.waitForSelector('body[data-started="true"] #prompt');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    assert.equal(await page.locator('.yaml-panel').count(), 0);
    assert.ok(Math.abs(await width() - 512) < 8, `terminal ${await width()} px wide after the reload`);
    // The time skipped after the last command is kept too.
    assert.ok(await clock() >= t0 + 331, `the clock after the reload: ${await clock()} s`);
    await page.screenshot({ path: path.join(shots, 'layout-1280-light-map-only.png') });
    // Both panels hidden: the terminal has the whole width; kubectl edit brings the editor back.
    await page.click('button.toggle >> text=Map');
    assert.equal(await width(), 1280);
    await run(page, 'kubectl edit deployment web');
    await page.waitForSelector('.yaml-panel.editing textarea');
    await page.click('.yaml-panel.editing button.cancel');
    // Shift-Tab leaves the prompt for the page's controls.
    await page.focus('#prompt');
    await page.keyboard.press('Shift+Tab');
    assert.notEqual(await page.evaluate(() => document.activeElement.id), 'prompt');
    assert.deepEqual(errors, []);
    await context.close();
    // A tablet in portrait: the terminal above the map, nothing wider than the screen.
    const tablet = await browser.newContext({ viewport: { width: 820, height: 1180 }, colorScheme: 'dark', hasTouch: true });
    const tab = await tablet.newPage();
    await tab.goto(url);
    await tab.waitForSelector('body[data-started="true"] #prompt');
    await run(tab, 'kubectl get nodes');
    await tab.waitForSelector('text=control-plane');
    const [term, map] = [await tab.locator('section.terminal').boundingBox(), await tab.locator('.map-panel').boundingBox()];
    assert.ok(map.y >= term.y + term.height, 'the map is below the terminal');
    assert.equal(await tab.evaluate(() => document.documentElement.scrollWidth), 820);
    await tab.screenshot({ path: path.join(shots, 'tablet.png') });
    await tablet.close();
  } finally {
    await browser.close();
    server.close();
  }
});

test('the map: the control plane strip turns red when the scheduler\'s manifest goes, node cards show requests, taints and pods grouped by owner, and a pod or node opens in the inspector', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      await page.waitForSelector(`.control-plane .component.running[data-component="${c}"]`);
    }
    const deployment = [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  replicas: 2',
      '  selector:', '    matchLabels:', '      app: web', '  template:', '    metadata:', '      labels:', '        app: web',
      '    spec:', '      containers:', '      - name: web', '        image: nginx', '        resources:', '          requests:',
      '            cpu: 500m', '            memory: 256Mi',
    ].join('\n');
    await page.fill('.yaml-panel textarea', deployment);
    await page.click('button.apply');
    await page.waitForSelector('.yaml-status.ok');
    await run(page, 'kubectl taint node node01 dedicated=lab:NoSchedule');
    await page.waitForSelector('text=node/node01 tainted');
    await page.locator('g.chip[data-status="Running"][data-pod^="default/web-"]').nth(1).waitFor({ timeout: 30000 });
    // The workers' cards: a group label for the Deployment's pods, the taint, CPU requested.
    await page.waitForSelector('g.node[data-node="node01"] .node-taints:has-text("dedicated=lab:NoSchedule")');
    assert.match(await page.locator('svg.map').innerHTML(), /Deployment web › ReplicaSet web-[a-z0-9]+/);
    const cpu = await page.locator('g.node[data-node="node02"] .bar title').first().textContent();
    assert.match(cpu, /^CPU requested: (500m|1) of 2 \(\d+%\)$/);
    // A pod opens in the inspector: its description, then its YAML; Escape closes it.
    await page.locator('g.chip[data-pod^="default/web-"]').first().click();
    await page.waitForSelector('.inspector .inspector-body:has-text("Controlled By:  ReplicaSet/web-")');
    await page.screenshot({ path: path.join(shots, 'inspector.png') });
    await page.click('.inspector button.tab >> text=YAML');
    await page.waitForSelector('.inspector .inspector-body:has-text("kind: Pod")');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.inspector').count(), 0);
    // A node by keyboard: focus its header and press Enter.
    await page.focus('g.node[data-node="node01"] .node-head');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.inspector .inspector-body:has-text("Taints:             dedicated=lab:NoSchedule")');
    await page.click('.inspector button.close');
    // The scheduler's manifest moved away: its static pod goes and the strip says so.
    await run(page, 'mv /etc/kubernetes/manifests/kube-scheduler.yaml /root/');
    await page.waitForSelector('.control-plane .component.failing[data-component="kube-scheduler"]', { timeout: 30000 });
    await page.screenshot({ path: path.join(shots, 'map.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('a large cluster: past 50 nodes the map shows a tile per node with its pods by health and the totals, draws only the rows in view, and a tile opens its node', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubarium node add --count 117');
    await page.waitForSelector('text=117 nodes (node03 to node119) joined the cluster');
    await run(page, 'kubectl create deployment web --image=nginx --replicas=40; sleep 60');
    await page.waitForFunction(() => /120 nodes \(120 Ready\) · \d+ pods on nodes: \d+ running/.test(document.querySelector('.fleet-totals')?.innerText || ''), null, { timeout: 60000 });
    const totals = await page.locator('.fleet-totals').innerText();
    assert.match(totals, /^120 nodes \(120 Ready\) · \d+ pods on nodes: \d+ running$/);
    // Only the rows in view (and a few more) are drawn.
    const drawn = await page.locator('.fleet .tile').count();
    assert.ok(drawn > 0 && drawn < 120, `${drawn} tiles drawn`);
    await page.screenshot({ path: path.join(shots, 'map-large.png') });
    await page.locator('.map-panel').evaluate((e) => { e.scrollTop = e.scrollHeight; });
    await page.locator('.tile[data-node="node99"]').waitFor();
    await page.click('.tile[data-node="node99"]');
    await page.waitForSelector('.inspector-title >> text=node/node99');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('export downloads the objects made as a YAML bundle; import in a fresh browser applies it and the same objects come back', async () => {
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubectl create namespace shop; kubectl create deployment cart --image=nginx --replicas=2 -n shop; kubectl expose deployment cart --port 80 -n shop');
    await page.waitForSelector('text=service/cart exposed');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.export')]);
    assert.equal(download.suggestedFilename(), 'kubarium-cluster.yaml');
    const bundle = fs.readFileSync(await download.path(), 'utf8');
    assert.deepEqual(bundle.split('\n').filter((l) => l.startsWith('kind: ')), ['kind: Namespace', 'kind: Deployment', 'kind: Service']);
    await page.waitForSelector('text=# Exported 3 objects to kubarium-cluster.yaml');
    const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    fresh.on('pageerror', (e) => errors.push(String(e)));
    await fresh.goto(url);
    await fresh.waitForSelector('body[data-started="true"] #prompt');
    await fresh.setInputFiles('label.import input', { name: 'kubarium-cluster.yaml', mimeType: 'application/yaml', buffer: Buffer.from(bundle) });
    await fresh.waitForSelector('text=service/cart created');
    await run(fresh, 'sleep 20; kubectl get deploy -n shop --no-headers');
    await fresh.waitForFunction(() => /cart\s+2\/2/.test(document.querySelector('.screen').innerText));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('share by link: a link made opens the same cluster in a fresh browser; damaged, cut, oversized and hostile links say why and lose nothing; a stored link from an earlier release still opens', async () => {
  fs.mkdirSync(shots, { recursive: true });
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubectl create deployment shared --image=nginx --replicas=2');
    await page.waitForSelector('text=deployment.apps/shared created');
    await run(page, 'kubectl label node node01 picked=yes');
    await page.waitForSelector('text=node/node01 labeled');
    await page.locator('g.chip[data-status="Running"][data-pod^="default/shared-"]').nth(1).waitFor({ timeout: 30000 });
    await page.click('button.share-button');
    const link = await page.inputValue('.share-link');
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#k1\.[A-Za-z0-9_-]+$/);
    assert.ok(link.length < 2000, `${link.length} characters`);
    await page.screenshot({ path: path.join(shots, 'share.png') });
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.share').count(), 0);

    // A fresh browser (no storage) opening the link gets the same cluster.
    const other = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const fresh = await other.newPage();
    const otherErrors = [];
    fresh.on('console', (m) => { if (m.type() === 'error') otherErrors.push(m.text()); });
    await fresh.goto(link);
    await fresh.waitForSelector('body[data-started="true"] #prompt');
    await fresh.waitForSelector('text=Opened a shared cluster: 2 steps replayed.');
    assert.equal(new URL(fresh.url()).hash, '', 'the link is taken from the address bar');
    await run(fresh, 'kubectl get deploy shared --no-headers; kubectl get nodes -l picked=yes --no-headers');
    await fresh.waitForFunction(() => /shared\s+2\/2\s+2\s+2/.test(document.querySelector('.screen').innerText) && /node01\s+Ready/.test(document.querySelector('.screen').innerText), null, { timeout: 30000 });
    // A reload continues from the browser's storage.
    await fresh.reload();
    await fresh.waitForSelector('body[data-started="true"] #prompt');
    await run(fresh, 'kubectl get deploy shared --no-headers');
    await fresh.waitForFunction(() => /shared\s+2\/2/.test(document.querySelector('.screen').innerText));
    assert.deepEqual(otherErrors, []);

    // Bad links: each says why; the learner's own session (here: the shared one) goes on.
    const token = link.split('#')[1];
    const bad = [
      [`#${token.slice(0, token.length / 2)}`, 'the link is damaged'],
      [`#${token.slice(0, -6)}XXXXXX`, 'the link is damaged'],
      [`#k1.${'A'.repeat(300000)}`, 'the link is too long'],
      ['#k9.abc', 'the link was made by a newer Kubarium (format k9'],
      ['#k1.<img src=x onerror=alert(1)>', 'the link is damaged'],
    ];
    for (const [hash, why] of bad) {
      await fresh.goto(`${url}${hash}`);
      await fresh.waitForSelector('body[data-started="true"] #prompt');
      await fresh.waitForSelector(`text=Kubarium could not open the link you followed: ${why}`);
      await fresh.waitForSelector('text=Your own session continues.');
      assert.equal(await fresh.locator('img').count(), 0, 'nothing in a link is read as HTML');
    }
    await run(fresh, 'kubectl get deploy shared --no-headers');
    await fresh.waitForFunction(() => /shared\s+2\/2/.test(document.querySelector('.screen').innerText));
    await fresh.screenshot({ path: path.join(shots, 'bad-link.png') });
    assert.deepEqual(otherErrors, []);
    await other.close();

    // A link stored from an earlier release.
    const stored = fs.readFileSync(path.resolve('tests/links/k1-shop.link'), 'utf8').trim();
    const third = await browser.newContext();
    const old = await third.newPage();
    await old.goto(`${url}#${stored}`);
    await old.waitForSelector('body[data-started="true"] #prompt');
    await run(old, 'kubectl get deploy -n shop --no-headers');
    await old.waitForFunction(() => /web\s+5\/5/.test(document.querySelector('.screen').innerText), null, { timeout: 30000 });
    await third.close();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test('offline: after the first visit the page reloads and runs the saved session without a network', async () => {
  const { server, browser, page, errors, url } = await open();
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubectl create namespace offline');
    await page.waitForSelector('text=namespace/offline created');
    // The service worker keeps every file the page loaded, the engine's included.
    await page.waitForFunction(async () => {
      const keys = await (await caches.open('kubarium-v1')).keys();
      return keys.some((k) => /kubarium-web-engine_bg\.wasm$/.test(k.url)) && keys.some((k) => new URL(k.url).pathname === '/');
    }, null, { timeout: 30000, polling: 250 });
    await page.context().setOffline(true);
    await page.reload();
    await page.waitForSelector('body[data-started="true"] #prompt');
    await run(page, 'kubectl get ns offline --no-headers');
    await page.waitForFunction(() => /offline\s+Active/.test(document.querySelector('.screen').innerText));
    await page.context().setOffline(false);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
