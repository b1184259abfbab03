"""Word lists for names, titles and descriptions (written for this generator)."""
from __future__ import annotations

FIRST_NAMES = (
    "Abigail Adrian Agnes Alan Alba Alden Alice Amara Amos Anika Ansel Arlo Astrid Audra Beatrix Bennett "
    "Bianca Blake Bram Bridget Caleb Camille Cassius Cecily Celia Clara Colm Cora Corin Dalia Daniel Delphine "
    "Desmond Dorian Edith Eleanor Elias Elise Emil Esme Ezra Farah Felix Fiona Flora Gideon Greta Hale Hannah "
    "Harriet Hazel Henrik Ida Imogen Ines Ira Isaac Ivy Jasper Joanna Jonah Josephine Jude Julian June Kai "
    "Kamala Keiko Lars Leah Leon Lila Linus Lorena Lucian Lydia Mabel Magnus Malik Marguerite Mateo Maya Milo "
    "Mina Miriam Nadia Nell Nico Nora Oren Orla Otis Paloma Perrin Philippa Priya Quentin Rafael Rhea Rosalind "
    "Rowan Ruth Sabine Sami Selma Silas Simone Soren Stellan Tamsin Teodor Thea Tobias Una Ursula Valentin "
    "Vera Wendell Willa Wren Xavier Yara Yusuf Zadie Zora").split()
LAST_NAMES = (
    "Abernathy Achterberg Adeyemi Albright Alcott Ambrose Ashdown Ashworth Bachmann Bairstow Balfour Barlowe "
    "Beaumont Bellamy Blackwood Blythe Borrow Bramwell Brennan Brightwater Calloway Carden Carrow Castellan "
    "Chandra Coldwell Corliss Crane Dabrowski Dalgleish Davenport Delacroix Desai Drummond Dunmore Eastlake "
    "Ellery Endicott Everly Fairbairn Falkner Farrow Fenwick Ferreira Fitzroy Fontaine Gallagher Garrick "
    "Greaves Greenhalgh Gulliver Halloran Harcourt Hargreave Hartwell Hawthorne Heathcote Holloway Hurst "
    "Ibarra Ingram Ishikawa Jansen Jessup Kavanagh Kestrel Kingsley Kowalczyk Lachance Lancaster Larkin "
    "Leclerc Lindqvist Lockhart Lowell Lucero Mackintosh Maddox Marchetti Marlowe Merriweather Montague "
    "Moreau Nakamura Narayan Netherby Nightingale Northcott Novak Oakley Okafor Okonkwo Ormsby Pemberton "
    "Penhallow Prescott Quarrie Quintero Radcliffe Ravenscroft Redfern Rhodes Rinaldi Rosenthal Rowntree "
    "Salcedo Sandoval Seward Sheridan Sinclair Sorensen Stanhope Sterling Strand Sutherland Tanaka Templeton "
    "Thackeray Thornbury Trevelyan Underhill Vance Vasquez Verhoeven Wakefield Waverley Whitcombe Whitfield "
    "Wilder Winslow Wolcott Wycliffe Yardley Yoshida Zeller Zielinski").split()
ADJECTIVES = (
    "Amber Ashen Autumn Bitter Blue Borrowed Broken Burning Crimson Crooked Distant Drowned Emerald Empty "
    "Endless Fallen Fading Forgotten Frozen Gilded Glass Golden Hidden Hollow Iron Last Lesser Little Lonely "
    "Lost Midnight Narrow Northern Painted Pale Patient Quiet Restless Salt Scarlet Secret Silent Silver "
    "Sleeping Small Southern Stolen Strange Summer Sunken Tangled Tender Thousand Unfinished Vanishing "
    "Wandering Wild Winter Wooden Wounded").split()
NOUNS = (
    "Archive Bell Bridge Cartographer Castle Cellar Chorus Clockmaker Compass Crossing Crown Daughter Debt "
    "Dowry Ember Estate Feather Ferryman Field Garden Gate Glasshouse Harbor Harvest Heir Hour Island Key "
    "Lantern Ledger Letter Lighthouse Locket Map Meadow Mirror Mill Orchard Passage River Room Sea Shadow "
    "Shore Silence Sister Sparrow Star Stone Storm Tide Tower Valley Violin Voyage Watchman Well Widow "
    "Wind Winter Witness").split()
PLURALS = (
    "Apples Birds Bones Bridges Candles Crows Embers Fires Ghosts Gods Horses Islands Keys Lanterns Letters "
    "Lions Maps Mirrors Moths Orchards Rivers Saints Secrets Ships Sisters Songs Stars Stones Strangers Tides "
    "Towers Wolves").split()
ABSTRACTS = (
    "Absence Ashes Belonging Courage Desire Distance Exile Forgetting Fortune Grace Grief Hunger Innocence "
    "Longing Mercy Memory Mischief Promise Reckoning Salt Silence Sorrow Surrender Tomorrow Wonder").split()
PLACES = ["Ashford", "Blackwater", "Bramble Hill", "Calder Bay", "Coldharbour", "Copper Ridge", "Eastmere",
          "Elderwood", "Fallowmere", "Glenmoor", "Greyhaven", "Harrow Bay", "Hollowell", "Kestrel Island",
          "Larkspur Hollow", "Lindenfield", "Marrowdale", "Millbrook", "Northmoor", "Oakhaven", "Pellham",
          "Quarry End", "Ravensholt", "Saltmarsh", "Silverlake", "Stonebridge", "Thornwick", "Upper Dunmore",
          "Wexley", "Willowmere", "Wrenfield"]
OCCUPATIONS = ("Apothecary Astronomer Bookbinder Cartographer Clockmaker Diver Ferryman Gardener Glassblower "
               "Innkeeper Keeper Lacemaker Locksmith Midwife Navigator Organist Potter Printer Surveyor "
               "Tailor Translator Weaver").split()
SEASONS = ["Spring", "Summer", "Autumn", "Winter", "the Dry Season", "the Long Rains", "a Cold Year"]
ANIMALS = ("Badger Bear Beaver Crow Duckling Elephant Fox Frog Giraffe Goose Hedgehog Kitten Lion Mole Moose "
           "Mouse Otter Owl Panda Penguin Puffin Rabbit Squirrel Tortoise Walrus Whale Wolf").split()
KID_ADJ = ("Brave Busy Curious Giggly Grumpy Hungry Little Messy Noisy Shy Sleepy Tiny Wobbly").split()
TOPICS = ("Astronomy Bees Bread Bridges Cities Clouds Coffee Color Democracy Earthquakes Fermentation Forests "
          "Fungi Gardening Glaciers Islands Language Light Maps Mathematics Memory Migration Money Mountains "
          "Music Navigation Oceans Paper Photography Rivers Salt Sleep Soil Spices Stone Textiles Time "
          "Trains Weather Wine Writing").split()
GENRE_TOPICS = {  # non-fiction topics by genre; others draw from TOPICS
    "History": "Empires Harbors Castles Railways Plagues Revolutions Cathedrals Canals Guilds Navies Libraries".split(),
    "Science": "Astronomy Light Time Mathematics Memory Earthquakes Glaciers Clouds Atoms Genetics Chemistry".split(),
    "Nature": "Forests Fungi Bees Rivers Oceans Birds Wolves Wetlands Mountains Soil Islands Moths".split(),
    "Travel": "Islands Trains Mountains Rivers Cities Deserts Harbors Coastlines Villages".split(),
    "Health & Wellness": "Sleep Breathing Walking Posture Nutrition Stress Running Balance".split(),
    "Business": "Money Negotiation Leadership Markets Startups Trade Accounting Strategy".split(),
    "Philosophy": "Ethics Memory Time Language Happiness Friendship Justice Doubt".split(),
    "Art & Photography": "Color Light Photography Portraits Sculpture Drawing Printmaking Design".split(),
    "Music": "Music Harmony Rhythm Jazz Choirs Violins Songwriting Opera".split(),
    "Politics & Society": "Democracy Cities Migration Language Borders Elections Neighbors Work".split(),
    "Technology": "Computers Bridges Paper Navigation Engines Networks Clocks Printing".split(),
    "Self-Help": "Habits Focus Rest Courage Kindness Patience Decluttering Confidence".split(),
}
GERUNDS = ("Baking Listening Walking Drawing Negotiating Gardening Sailing Reading Remembering Teaching "
           "Building Foraging Mending Writing Resting Saving").split()
CUISINES = ["Coastal", "Mountain", "Weeknight", "Village", "Harvest", "Slow", "Small-Batch", "Family"]
SUBJECTS = ["a retired schoolteacher", "two estranged sisters", "a young cartographer", "a widowed innkeeper",
            "an apprentice clockmaker", "a disgraced detective", "a ship's doctor", "three childhood friends",
            "a reluctant heir", "a travelling musician", "a small-town librarian", "an exiled archivist",
            "a lighthouse keeper's daughter", "a botanist on her first expedition", "a grieving father"]
PLOTS = ["uncovering a long-buried family secret", "drawn back into a case everyone wants forgotten",
         "searching for a brother who vanished decades ago", "forced to choose between loyalty and love",
         "caught up in a quarrel that divides a whole town", "inheriting a house full of locked rooms",
         "chasing a rumour across a frozen coast", "trying to keep a failing orchard alive",
         "answering a letter written forty years too late", "setting out on a journey nobody planned"]
SETTINGS = ["in a remote mountain village", "on a storm-battered island", "in a crumbling seaside hotel",
            "during the last summer before the war", "in a city that never quite sleeps",
            "along a river that floods every spring", "in the years after the mill closed",
            "at the edge of an uncharted forest", "aboard a slow ship heading south"]
DESC_ADJ = ["gripping", "tender", "sweeping", "quietly devastating", "witty", "atmospheric", "haunting",
            "warm-hearted", "suspenseful", "lyrical"]
NONFIC_DESC = ["An accessible introduction to {t} for curious readers.",
               "A lively history of {t}, from its origins to the present day.",
               "Practical advice and clear explanations about {t}, with illustrations.",
               "Essays that look at {t} from unexpected angles.",
               "A field guide to {t}, written for beginners and enthusiasts alike."]
PUBLISHERS = ["Harrowgate Press", "Blue Heron Books", "Lantern Street Publishing", "Meridian House",
              "Copperleaf & Lowe", "Stonebridge Editions", "Northlight Books", "Quillfeather Press",
              "Tidewater Publishing", "Oak & Anchor", "Fernhill Books", "Half Moon Editions", "Larkspur Press",
              "Kestrel Publishing", "Greywell House", "Brightwater Books", "Saltmarsh Press", "Marrowdale Editions",
              "Wexley & Finch", "Amberline Books", "Old Mill Press", "Riverbend Publishing", "Lindenfield Books",
              "Paper Lantern Press", "Silver Birch Editions", "Cobblestone Press", "Westward House"]
FILM_STUDIOS = ["Harbor Light Films", "Tall Pines Media", "Northern Reel Pictures"]
MAP_PUBLISHERS = ["Greenleaf Atlas Co.", "Compass Rose Cartography"]
TOWNS = ["Ashford", "Millbrook", "Oakhaven", "Lindenfield", "Wrenfield", "Stonebridge", "Calder Bay"]
STREETS = ["Maple", "Elm", "Cedar", "Willow", "Chestnut", "Orchard", "Mill", "Church", "Station", "River",
           "Harbor", "Meadow", "Park", "Quarry", "Linden", "Hawthorn", "Kingfisher", "Foundry"]
STREET_KINDS = ["Street", "Avenue", "Road", "Lane", "Close", "Way", "Terrace"]
