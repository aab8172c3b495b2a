// Tom Select moves the field's <label> to its own input, the one users type in; the original <select>, kept
// for the form (visually hidden, out of the Tab order), is hidden from screen readers too, so that each
// picker is one named control.
function hideOriginal(select) {
  select.setAttribute("aria-hidden", "true");
}

// People pickers: every <select data-autocomplete-url> searches the registry as the user types.
// The page renders only the chosen options; the rest come from the server (registry person_autocomplete).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autocomplete-url]").forEach((select) => {
    const url = select.dataset.autocompleteUrl;
    const organisationField = document.getElementById("id_organisation");
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      loadThrottle: 250,
      plugins: select.multiple ? ["remove_button"] : [],
      render: {
        no_results: () => '<div class="no-results">Никого не найдено</div>',
        loading: () => '<div class="spinner-border spinner-border-sm m-2" role="status"></div>',
      },
      load(query, callback) {
        const params = new URLSearchParams({ q: query });
        if (organisationField && organisationField.value && select.dataset.sameOrganisation) {
          params.set("organisation", organisationField.value);
        }
        fetch(`${url}?${params}`, { headers: { Accept: "application/json" } })
          .then((response) => response.json())
          .then((data) => callback(data.results))
          .catch(() => callback());
      },
    });
    hideOriginal(select);
  });
});

// Plain multiple choices with their options on the page (e.g. organisations of an export).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll('select[data-autocomplete="multiple"]').forEach((select) => {
    new TomSelect(select, {
      plugins: ["remove_button"],
      maxOptions: null,
      placeholder: select.dataset.placeholder || "",
      render: { no_results: () => '<div class="no-results">Ничего не найдено</div>' },
    });
    hideOriginal(select);
  });
});
