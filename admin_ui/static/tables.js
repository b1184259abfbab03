// The table screens' forms: a related-row picker shows, while empty, the words its data-placeholder gives
// (admin_ui.tables.with_placeholder: "Any branch", "Every branch") where starlette-admin's form.js draws
// "Search..." (also as the list's searching line). Runs after form.js has made the pickers (a field
// initializer registered after its own).
StarletteAdmin.registerFieldInitializer(function (element) {
  $("select.field-has-one[data-placeholder], select.field-has-many[data-placeholder]", element).each(function () {
    const el = $(this);
    const picker = el.data("select2");
    if (!picker) return;
    const words = el.attr("data-placeholder");
    const draw = picker.options.get("templateSelection");
    const drawResult = picker.options.get("templateResult");
    picker.options.set("templateSelection", (item) => (item.id ? draw(item) : words));
    picker.options.set("templateResult",
                       (item) => (item.id ? drawResult(item) : item.loading ? "Searching…" : words));
    el.trigger("change.select2");
  });
});
