// Getting started: "cellspec: New Study" writes the shipped template (templates/new-study.cellspec)
// into a folder and opens it; "cellspec: Open Example Study" copies the shipped examples/ into a
// folder the user picks and opens its study. Neither overwrites a file nor writes into the
// extension's own folder.
import * as path from 'path';
import { commands, ExtensionContext, FileType, Selection, TextEditor, Uri, window, workspace } from 'vscode';

const TEMPLATE = ['templates', 'new-study.cellspec'];
const EXAMPLES = 'examples';

/** cellspec.newStudy: the open folder (or one the user picks) gets study.cellspec, or study-2.cellspec, .... */
export async function newStudy(context: ExtensionContext): Promise<Uri | undefined> {
  const folder = await targetFolder('Create the study here');
  if (!folder || refuseExtensionFolder(context, folder)) return undefined;
  const file = await freeName(folder, 'study', '.cellspec');
  const text = await workspace.fs.readFile(Uri.joinPath(context.extensionUri, ...TEMPLATE));
  await workspace.fs.writeFile(file, text);
  const editor = await window.showTextDocument(file);
  selectTitle(editor);
  return file;
}

/** cellspec.openExampleStudy: copies examples/ to <picked folder>/cellspec-example (or -2, ...) and opens its study. */
export async function openExampleStudy(context: ExtensionContext): Promise<Uri | undefined> {
  const folder = await pickFolder('Copy the example here', workspace.workspaceFolders?.[0]?.uri);
  if (!folder || refuseExtensionFolder(context, folder)) return undefined;
  const target = await freeName(folder, 'cellspec-example', '');
  await workspace.fs.copy(Uri.joinPath(context.extensionUri, EXAMPLES), target, { overwrite: false });
  const study = Uri.joinPath(target, 'study.cellspec');
  await window.showTextDocument(study);
  if (!workspace.getWorkspaceFolder(study)) {
    // Outside the open folders: offer to open its folder (that reloads the window, so it is asked).
    void window.showInformationMessage(`cellspec: the example study is in ${target.fsPath}.`, 'Open Folder').then((choice) => {
      if (choice) void commands.executeCommand('vscode.openFolder', target);
    });
  }
  return study;
}

/** The only open folder; one of several (asked); or, with none open, a folder the user picks. */
async function targetFolder(openLabel: string): Promise<Uri | undefined> {
  const folders = workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0].uri;
  if (folders.length > 1) return (await window.showWorkspaceFolderPick({ placeHolder: 'The folder for the new study' }))?.uri;
  return pickFolder(openLabel);
}

async function pickFolder(openLabel: string, defaultUri?: Uri): Promise<Uri | undefined> {
  const picked = await window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel, defaultUri });
  return picked?.[0];
}

/** The extension's folder is read-only to us (an update would replace it and the user's work). */
function refuseExtensionFolder(context: ExtensionContext, folder: Uri): boolean {
  const rel = path.relative(context.extensionUri.fsPath, folder.fsPath);
  const inside = folder.scheme === context.extensionUri.scheme && !rel.startsWith('..') && !path.isAbsolute(rel);
  if (inside) void window.showErrorMessage('cellspec: that folder belongs to the extension; choose another one.');
  return inside;
}

/** `<stem><ext>` in the folder, or the first of `<stem>-2<ext>`, `<stem>-3<ext>`, ... that does not exist. */
export async function freeName(folder: Uri, stem: string, ext: string): Promise<Uri> {
  for (let n = 1; ; n++) {
    const candidate = Uri.joinPath(folder, `${stem}${n === 1 ? '' : `-${n}`}${ext}`);
    if (!(await exists(candidate))) return candidate;
  }
}

async function exists(uri: Uri): Promise<boolean> {
  try {
    const s = await workspace.fs.stat(uri);
    return s.type !== FileType.Unknown;
  } catch {
    return false;
  }
}

/** Selects the study's title, so that typing replaces it. */
function selectTitle(editor: TextEditor) {
  const doc = editor.document;
  for (let line = 0; line < doc.lineCount; line++) {
    const m = /^study "([^"]*)"/.exec(doc.lineAt(line).text);
    if (!m) continue;
    editor.selection = new Selection(line, 'study "'.length, line, 'study "'.length + m[1].length);
    editor.revealRange(editor.selection);
    return;
  }
}
