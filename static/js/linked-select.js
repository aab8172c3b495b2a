// A choice that depends on another: <select data-depends-on="id_format"> shows only the options whose
// data-parent is the other select's value (a role model belongs to one form). An option chosen before that
// no longer fits is cleared, so the page never sends a role model of another form.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-depends-on]").forEach((select) => {
    const parent = document.getElementById(select.dataset.dependsOn);
    if (!parent) return;
    const update = () => {
      for (const option of select.options) {
        if (!option.dataset.parent) continue; // the empty choice
        const fits = !parent.value || option.dataset.parent === parent.value;
        option.hidden = !fits;
        option.disabled = !fits;
        if (!fits && option.selected) select.value = "";
      }
    };
    parent.addEventListener("change", update);
    update();
  });
});
