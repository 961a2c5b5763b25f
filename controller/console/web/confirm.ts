// Forms marked data-confirm="question" ask before they submit (Apply a policy, revoke).
export function attachConfirmations(root: ParentNode): void {
  for (const form of root.querySelectorAll<HTMLFormElement>('form[data-confirm]')) {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.dataset.confirm ?? 'Are you sure?')) e.preventDefault();
    });
  }
}
