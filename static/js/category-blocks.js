// The person form: the blocks of one category («Обучающийся», «Педагог или работник», «Внешний участник»)
// are shown for that category only. A hidden block keeps what was typed in it; with no category chosen,
// every block is shown.
document.addEventListener("DOMContentLoaded", () => {
  const category = document.getElementById("id_category");
  const blocks = document.querySelectorAll("fieldset[data-for-categories]");
  if (!category || !blocks.length) return;
  const update = () => {
    blocks.forEach((block) => {
      const categories = block.dataset.forCategories.split(" ");
      block.hidden = Boolean(category.value) && !categories.includes(category.value);
    });
  };
  category.addEventListener("change", update);
  update();
});
